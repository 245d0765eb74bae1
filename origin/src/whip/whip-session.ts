import { type ChildProcess, spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type MediaStreamTrack, RTCPeerConnection, type RTCRtpTransceiver, useH264, useOPUS } from 'werift';
import type { Logger } from '../log.ts';
import { relayArgs, relaySdp } from './relay-command.ts';
import { offeredH264Parameters } from './whip-offer.ts';

/**
 * One WHIP publisher: a werift peer connection that receives its H.264 and Opus, and a relay
 * FFmpeg that publishes them into the local NGINX-RTMP under the session's admission ticket (as
 * the SRT relays do), so from NGINX on it is an ordinary publication: same ladder, recording and
 * playback. The session decrypts SRTP in werift and forwards plain RTP (and the sender reports,
 * which FFmpeg needs to line audio up with video) to loopback ports the relay reads.
 */

export interface WhipSessionOptions {
  id: string;
  offer: string;
  /** rtmp://127.0.0.1:<port>/live/<ticket>: where the relay publishes. */
  rtmpUrl: string;
  /** Where the relay's SDP file is written. */
  dir: string;
  log: Logger;
  /** Called once, when the session has ended for any reason (DELETE, ICE failure, relay exit). */
  onEnded: (id: string) => void;
  /** ICE must connect within this long after the answer, or the session ends (default 15 s). */
  connectTimeoutMs?: number;
  /** A connection `disconnected` this long is gone (default 5 s). */
  disconnectedMs?: number;
  /** The UDP ports ICE may use (a firewall opens only these); any free port when absent. */
  icePortRange?: [number, number];
}

/**
 * What FFmpeg's H.264 decoder says of every frame before the first keyframe (the probe decodes):
 * a publisher joining mid-GOP prints a hundred of these a second, so they are debug, not warnings.
 */
const BEFORE_KEYFRAME = /non-existing PPS|decode_slice_header error|no frame!|Last message repeated/;

/** Keyframe requests after the first video packet: the relay only starts on a keyframe. */
const PLI_AFTER_MS = [0, 700, 1500, 3000];

export class WhipSession {
  readonly id: string;
  private readonly opts: WhipSessionOptions;
  private readonly pc: RTCPeerConnection;
  private readonly out = dgram.createSocket('udp4');
  private relay: ChildProcess | null = null;
  private readonly timers: NodeJS.Timeout[] = [];
  private ended: Promise<void> | null = null;
  private sdpPath = '';
  /** The relay's RTP ports (0 until the answer is made, and for audio when there is none) and payload types. */
  private readonly ports = { video: 0, audio: 0 };
  private readonly payloadTypes = { video: 0, audio: 0 };

  constructor(opts: WhipSessionOptions) {
    this.id = opts.id;
    this.opts = opts;
    // The answer echoes the publisher's own H.264 parameters (werift matches profile-level-id
    // exactly, and OBS offers High profile as well as Baseline); Opus for audio, nothing else.
    const h264 = offeredH264Parameters(opts.offer).map((parameters) => useH264({ parameters }));
    this.pc = new RTCPeerConnection({
      codecs: { video: h264, audio: [useOPUS()] },
      ...(opts.icePortRange ? { icePortRange: opts.icePortRange } : {}),
    });
  }

  /** Answers the offer (every candidate in it: the session does not trickle) and starts the relay. */
  async answer(): Promise<string> {
    const pc = this.pc;
    pc.onTransceiverAdded.subscribe((t) => t.onTrack.subscribe((track) => this.forward(track, t)));
    await pc.setRemoteDescription({ type: 'offer', sdp: this.opts.offer });
    await pc.setLocalDescription(await pc.createAnswer());
    if (pc.iceGatheringState !== 'complete')
      await new Promise<void>((resolve) => pc.iceGatheringStateChange.subscribe((s) => s === 'complete' && resolve()));

    const video = pc.getTransceivers().find((t) => t.kind === 'video' && t.codecs.length > 0);
    const audio = pc.getTransceivers().find((t) => t.kind === 'audio' && t.codecs.length > 0);
    if (!video) throw new Error('no H.264 video was negotiated');
    const [videoPort, audioPort] = [await freeUdpPair(), audio ? await freeUdpPair() : 0];
    this.ports.video = videoPort;
    this.ports.audio = audioPort;
    await new Promise<void>((resolve) => this.out.bind(0, '127.0.0.1', () => resolve()));
    const vc = video.codecs[0]!;
    const ac = audio?.codecs[0];
    this.payloadTypes.video = vc.payloadType;
    this.payloadTypes.audio = ac?.payloadType ?? 0;
    this.sdpPath = path.join(this.opts.dir, `whip-${this.id}.sdp`);
    await writeFile(
      this.sdpPath,
      relaySdp({
        video: { port: videoPort, payloadType: vc.payloadType, fmtp: vc.parameters },
        audio: ac ? { port: audioPort, payloadType: ac.payloadType, channels: ac.channels ?? 2 } : null,
      }),
    );
    // Ended while the answer was made (the origin stopping): no relay to leave behind.
    if (this.ended) throw new Error('the session ended before its answer');
    this.relay = this.spawnRelay(Boolean(ac));

    pc.connectionStateChange.subscribe((state) => {
      if (state === 'failed' || state === 'closed') void this.end(`connection ${state}`);
      else if (state === 'disconnected')
        this.later(this.opts.disconnectedMs ?? 5000, () => {
          if (pc.connectionState === 'disconnected') void this.end('connection lost');
        });
    });
    this.later(this.opts.connectTimeoutMs ?? 15_000, () => {
      if (pc.connectionState !== 'connected') void this.end('ice did not connect');
    });
    return pc.localDescription!.sdp;
  }

  /** Plain RTP of each received track to the relay's port, sender reports one port up. */
  private forward(track: MediaStreamTrack, transceiver: RTCRtpTransceiver): void {
    const port = () => (track.kind === 'video' ? this.ports.video : this.ports.audio);
    let first = true;
    track.onReceiveRtp.subscribe((rtp) => {
      if (!port() || this.ended) return;
      // The relay's SDP names one payload type per track; a publisher that was answered several
      // H.264 profiles may send any of them, so each packet gets the one the SDP names.
      rtp.header.payloadType = track.kind === 'video' ? this.payloadTypes.video : this.payloadTypes.audio;
      this.out.send(rtp.serialize(), port(), '127.0.0.1');
      if (first && track.kind === 'video') {
        first = false;
        for (const ms of PLI_AFTER_MS)
          this.later(ms, () => {
            if (track.ssrc !== undefined) void transceiver.receiver.sendRtcpPLI(track.ssrc).catch(() => undefined);
          });
      }
    });
    track.onReceiveRtcp.subscribe((packet) => {
      if (packet.type === 200 && port() && !this.ended) this.out.send(packet.serialize(), port() + 1, '127.0.0.1');
    });
  }

  private spawnRelay(withAudio: boolean): ChildProcess {
    const child = spawn('ffmpeg', relayArgs(this.sdpPath, this.opts.rtmpUrl, withAudio), {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      for (const line of chunk.split('\n'))
        if (line.trim())
          this.opts.log(BEFORE_KEYFRAME.test(line) ? 'debug' : 'warn', `whip relay: ${line.trim()}`, {
            session: this.id,
          });
    });
    child.once('exit', (code, signal) => void this.end(`relay exited (${signal ?? code})`));
    return child;
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(fn, ms);
    t.unref();
    this.timers.push(t);
  }

  /**
   * Stops the relay first (SIGTERM: it closes its RTMP publish, so NGINX's publish-done ends the
   * publication as when an RTMP publisher leaves), then the peer connection. Idempotent.
   */
  end(why: string): Promise<void> {
    this.ended ??= (async () => {
      for (const t of this.timers) clearTimeout(t);
      this.opts.log('info', 'whip session ended', { session: this.id, why });
      const relay = this.relay;
      if (relay && relay.exitCode === null && relay.signalCode === null) {
        const exited = new Promise((r) => relay.once('exit', r));
        // One signal: FFmpeg's RTP read polls and sees it (unlike the SRT relay's blocking read, no
        // second one is needed, and a second would cut the FLV trailer short).
        relay.kill('SIGTERM');
        const kill = setTimeout(() => relay.kill('SIGKILL'), 3000);
        await exited;
        clearTimeout(kill);
      }
      await this.pc.close().catch(() => undefined);
      try {
        this.out.close();
      } catch {
        // never bound (the answer failed)
      }
      if (this.sdpPath) await rm(this.sdpPath, { force: true });
      this.opts.onEnded(this.id);
    })();
    return this.ended;
  }
}

/**
 * An even loopback UDP port whose next one is free too (FFmpeg reads RTP on it and RTCP one up).
 * Free at the time of asking, like the SRT relays' ports: FFmpeg binds them a moment later.
 */
async function freeUdpPair(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const a = await bind(0);
    const port = a.address().port;
    if (port % 2 === 0 && port < 65535) {
      const b = await bind(port + 1).catch(() => null);
      if (b) {
        await Promise.all([close(a), close(b)]);
        return port;
      }
    }
    await close(a);
  }
  throw new Error('no free UDP port pair on loopback');
}

function bind(port: number): Promise<dgram.Socket> {
  return new Promise((resolve, reject) => {
    const s = dgram.createSocket('udp4');
    s.once('error', reject);
    s.bind(port, '127.0.0.1', () => resolve(s));
  });
}

function close(s: dgram.Socket): Promise<void> {
  return new Promise((resolve) => s.close(() => resolve()));
}
