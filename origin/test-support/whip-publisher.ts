import { type ChildProcess, spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { MediaStreamTrack, RTCPeerConnection, useH264, useOPUS } from 'werift';

/**
 * A WHIP publisher for tests, as OBS 30+ publishes: a werift peer connection sending H.264 and
 * Opus, its offer POSTed with the stream key as Bearer token (RFC 9725), the session ended with a
 * DELETE on the Location. The media is an ffmpeg test pattern written as RTP (`-f rtp`) to
 * loopback ports this side reads and hands to werift's tracks (the packetizing is ffmpeg's).
 */
export interface WhipPublisher {
  status: number;
  /** From the POST to its answer, in ms (the offer and its candidates were made before). */
  answeredMs: number;
  /** The answer's Location, resolved against the endpoint (null when refused). */
  location: string | null;
  /** The refusal's body, when not 201. */
  error: unknown;
  /** DELETE on the Location (its status), then the encoder and the peer connection stop. */
  stop: () => Promise<number | null>;
}

export async function publishWhip(
  endpoint: string,
  token: string | null,
  opts: { size?: string; rate?: number } = {},
): Promise<WhipPublisher> {
  const pc = new RTCPeerConnection({ codecs: { video: [useH264()], audio: [useOPUS()] } });
  const video = new MediaStreamTrack({ kind: 'video' });
  const audio = new MediaStreamTrack({ kind: 'audio' });
  pc.addTransceiver(video, { direction: 'sendonly' });
  pc.addTransceiver(audio, { direction: 'sendonly' });
  await pc.setLocalDescription(await pc.createOffer());
  if (pc.iceGatheringState !== 'complete')
    await new Promise<void>((r) => pc.iceGatheringStateChange.subscribe((s) => s === 'complete' && r()));

  const posted = Date.now();
  const res = await fetch(endpoint, {
    method: 'POST',
    body: pc.localDescription!.sdp,
    headers: { 'content-type': 'application/sdp', ...(token ? { authorization: `Bearer ${token}` } : {}) },
  });
  const answeredMs = Date.now() - posted;
  if (res.status !== 201) {
    const error = await res.json().catch(() => null);
    await pc.close();
    return { status: res.status, answeredMs, location: null, error, stop: async () => null };
  }
  const location = new URL(res.headers.get('location')!, endpoint).toString();
  await pc.setRemoteDescription({ type: 'answer', sdp: await res.text() });

  const sockets = await Promise.all([video, audio].map((t) => trackInput(t)));
  const encoder = spawn('ffmpeg', encoderArgs(sockets[0]!.port, sockets[1]!.port, opts), {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stopped = false;
  return {
    status: 201,
    answeredMs,
    location,
    error: null,
    stop: async () => {
      if (stopped) return null;
      stopped = true;
      const deleted = await fetch(location, {
        method: 'DELETE',
        headers: token ? { authorization: `Bearer ${token}` } : {},
      });
      await stopEncoder(encoder);
      for (const s of sockets) s.socket.close();
      await pc.close();
      return deleted.status;
    },
  };
}

/** A loopback UDP port whose RTP packets go to the track (werift sets its own SSRC and payload type). */
async function trackInput(track: MediaStreamTrack): Promise<{ socket: dgram.Socket; port: number }> {
  const socket = dgram.createSocket('udp4');
  socket.on('message', (m) => track.writeRtp(m));
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
  return { socket, port: socket.address().port };
}

function encoderArgs(videoPort: number, audioPort: number, opts: { size?: string; rate?: number }): string[] {
  const rate = opts.rate ?? 30;
  return [
    '-hide_banner',
    '-loglevel',
    'error',
    '-nostdin',
    '-re',
    '-f',
    'lavfi',
    '-i',
    `testsrc2=size=${opts.size ?? '320x240'}:rate=${rate}`,
    '-f',
    'lavfi',
    '-i',
    'sine=frequency=440:sample_rate=48000',
    '-map',
    '0:v',
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-tune',
    'zerolatency',
    '-profile:v',
    'baseline',
    '-pix_fmt',
    'yuv420p',
    // A keyframe a second: this encoder does not hear the origin's keyframe requests (PLI).
    '-g',
    String(rate),
    '-b:v',
    '800k',
    '-f',
    'rtp',
    `rtp://127.0.0.1:${videoPort}?pkt_size=1200`,
    '-map',
    '1:a',
    '-c:a',
    'libopus',
    '-b:a',
    '64k',
    '-ac',
    '2',
    '-f',
    'rtp',
    `rtp://127.0.0.1:${audioPort}?pkt_size=1200`,
  ];
}

async function stopEncoder(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
}
