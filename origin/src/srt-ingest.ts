import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import type { Logger } from './log.ts';
import {
  HS_CONCLUSION,
  HS_INDUCTION,
  REJECT_BAD_MODE,
  REJECT_FORBIDDEN,
  REJECT_UNAVAILABLE,
  readHandshake,
  rejectionFor,
  shutdownPacket,
} from './srt-packet.ts';
import { readStreamId } from './srt-stream-id.ts';

/**
 * The origin's SRT ingest: one UDP port for every SRT publisher.
 *
 * libsrt (in ffmpeg, srt-live-transmit) listens for one caller per socket and has no Node binding,
 * so this listener demultiplexes by the caller's address: each new caller gets its own relay, an
 * `ffmpeg` in SRT listener mode on a loopback port that turns the caller's MPEG-TS into RTMP for
 * the local NGINX. Datagrams pass through unchanged both ways (the caller's SRT session is with
 * the relay's libsrt, end to end); the listener only reads the handshake. At the conclusion
 * handshake, which carries the Stream ID, it asks the agent to admit the key (the same Worker
 * publish call as RTMP) before letting the handshake through, so a bad key is refused in the
 * handshake itself with SRT_REJX_FORBIDDEN; an admitted relay publishes to NGINX under a one-time
 * ticket and from there on it is an ordinary publication (same ladder, sessions, reconnects).
 */

export interface SrtIngestOptions {
  host: string;
  port: number;
  /** The local NGINX-RTMP application, e.g. rtmp://127.0.0.1:1935/live */
  rtmpBase: string;
  /** The Worker's publish call through the agent; true when the relay may publish under `ticket`. */
  admit: (key: string, addr: string, ticket: string) => Promise<boolean>;
  log: Logger;
  /** A caller silent this long is gone (SRT sends a keepalive every second even with no data). */
  idleMs?: number;
  /** Callers in their handshake at once; a flood of inductions must not start unbounded relays. */
  maxHandshaking?: number;
  /** The SRT receive latency the relay asks for, in ms (the caller's own, if larger, wins). */
  latencyMs?: number;
}

type PeerState = 'handshake' | 'admitting' | 'connected' | 'rejected' | 'closed';

interface Peer {
  id: string;
  address: string;
  port: number;
  callerSocket: number;
  state: PeerState;
  ticket: string;
  /** To and from this caller's relay (its own loopback port, so the relay sees one peer). */
  upstream: dgram.Socket;
  relayPort: number;
  relay: ChildProcess | null;
  lastHeard: number;
  since: number;
  rejection: Buffer | null;
  /** The relay has sent something (so it is listening). */
  answered: boolean;
}

const HANDSHAKE_TIMEOUT_MS = 10_000;
const REJECTED_LINGER_MS = 3000;

export class SrtIngest {
  private readonly opts: Required<SrtIngestOptions>;
  private readonly socket = dgram.createSocket('udp4');
  private readonly peers = new Map<string, Peer>();
  private sweeper: NodeJS.Timeout | null = null;
  private closing = false;
  private open = false;
  private readonly started = Date.now();

  constructor(opts: SrtIngestOptions) {
    this.opts = { idleMs: 3000, maxHandshaking: 32, latencyMs: 120, ...opts };
    this.socket.on('message', (msg, rinfo) => this.fromCaller(msg, rinfo.address, rinfo.port));
    this.socket.on('error', (err) => this.opts.log('warn', 'srt listener socket error', { reason: String(err) }));
  }

  async listen(): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.socket.once('error', reject);
      this.socket.bind(this.opts.port, this.opts.host, () => {
        this.socket.off('error', reject);
        resolve();
      });
    });
    this.open = true;
    this.sweeper = setInterval(() => this.sweep(), 500);
    this.sweeper.unref();
    return this.socket.address().port;
  }

  /** Callers with a relay publishing (for tests and the log). */
  connectedCallers(): number {
    return [...this.peers.values()].filter((p) => p.state === 'connected').length;
  }

  async close(): Promise<void> {
    this.closing = true;
    if (this.sweeper) clearInterval(this.sweeper);
    await Promise.all([...this.peers.values()].map((p) => this.end(p, 'listener closing')));
    this.open = false;
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
  }

  private fromCaller(msg: Buffer, address: string, port: number): void {
    const id = `${address}:${port}`;
    const peer = this.peers.get(id);
    const hs = readHandshake(msg);
    if (!peer) {
      // Only an induction starts a caller; anything else from an unknown address is stray.
      if (!hs || hs.type !== HS_INDUCTION || this.closing) return;
      if (this.handshaking() >= this.opts.maxHandshaking) return;
      void this.startPeer(id, address, port, hs.socketId, msg);
      return;
    }
    peer.lastHeard = Date.now();
    if (peer.state === 'rejected') {
      // A retransmitted conclusion gets the same refusal.
      if (hs?.type === HS_CONCLUSION && peer.rejection) this.toCaller(peer, peer.rejection);
      return;
    }
    if (hs && hs.type === HS_CONCLUSION && peer.state !== 'connected') {
      if (peer.state === 'handshake') void this.admitConclusion(peer, msg, hs.streamId);
      return; // retransmissions while the Worker is asked are dropped; the caller sends again
    }
    this.toRelay(peer, msg);
  }

  private async startPeer(id: string, address: string, port: number, callerSocket: number, first: Buffer) {
    const upstream = dgram.createSocket('udp4');
    const peer: Peer = {
      id,
      address,
      port,
      callerSocket,
      state: 'handshake',
      ticket: `srt_${randomBytes(12).toString('hex')}`,
      upstream,
      relayPort: 0,
      relay: null,
      lastHeard: Date.now(),
      since: Date.now(),
      rejection: null,
      answered: false,
    };
    this.peers.set(id, peer);
    upstream.on('message', (msg) => {
      peer.answered = true;
      this.toCaller(peer, msg);
    });
    upstream.on('error', () => undefined);
    await new Promise<void>((resolve) => upstream.bind(0, '127.0.0.1', () => resolve()));
    peer.relayPort = await freeUdpPort();
    if (peer.state === 'closed') return;
    peer.relay = this.spawnRelay(peer);
    // The relay needs a moment to listen: its first induction is repeated until it answers
    // (faster than the caller's own 250 ms repeats, which are forwarded too).
    const repeat = setInterval(() => {
      if (peer.answered || peer.state === 'closed' || Date.now() - peer.since > 2000) clearInterval(repeat);
      else this.toRelay(peer, first);
    }, 25);
    repeat.unref();
  }

  private spawnRelay(peer: Peer): ChildProcess {
    const input =
      `srt://127.0.0.1:${peer.relayPort}?mode=listener&transtype=live` +
      `&latency=${this.opts.latencyMs * 1000}&listen_timeout=${HANDSHAKE_TIMEOUT_MS * 1000}`;
    const args = [
      '-hide_banner',
      '-loglevel',
      'error',
      '-nostdin',
      // A live source: start as soon as the codecs are known instead of buffering seconds.
      '-probesize',
      '500000',
      '-analyzeduration',
      '1000000',
      '-fflags',
      '+genpts',
      '-i',
      input,
      '-map',
      '0:v:0?',
      '-map',
      '0:a:0?',
      '-c',
      'copy',
      '-f',
      'flv',
      `${this.opts.rtmpBase}/${peer.ticket}`,
    ];
    const child = spawn('ffmpeg', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      for (const line of chunk.split('\n'))
        if (line.trim()) this.opts.log('warn', `srt relay: ${line.trim()}`, { caller: peer.id });
    });
    child.once('exit', (code, signal) => {
      if (peer.state === 'connected')
        this.opts.log('info', 'srt publisher left', { caller: peer.id, code, signal: signal ?? null });
      void this.end(peer, 'relay exited');
    });
    return child;
  }

  private async admitConclusion(peer: Peer, conclusion: Buffer, streamId: string | null): Promise<void> {
    const reading = readStreamId(streamId);
    if (!reading.ok) {
      this.opts.log('info', 'srt publisher refused', { caller: peer.id, reason: reading.reason });
      return this.reject(peer, conclusion, reading.reason === 'not_publish' ? REJECT_BAD_MODE : REJECT_FORBIDDEN);
    }
    peer.state = 'admitting';
    let admitted = false;
    try {
      admitted = await this.opts.admit(reading.key, peer.address, peer.ticket);
    } catch (err) {
      this.opts.log('warn', 'srt admission failed', { caller: peer.id, reason: String(err) });
      return this.reject(peer, conclusion, REJECT_UNAVAILABLE);
    }
    if ((peer.state as PeerState) === 'closed') return;
    if (!admitted) return this.reject(peer, conclusion, REJECT_FORBIDDEN);
    peer.state = 'connected';
    this.opts.log('info', 'srt publisher admitted', { caller: peer.id });
    this.toRelay(peer, conclusion);
  }

  private reject(peer: Peer, conclusion: Buffer, reason: number): void {
    peer.state = 'rejected';
    peer.rejection = rejectionFor(conclusion, reason);
    peer.since = Date.now();
    this.toCaller(peer, peer.rejection);
    peer.relay?.kill('SIGKILL');
  }

  private toRelay(peer: Peer, msg: Buffer): void {
    if (peer.relayPort && peer.state !== 'closed') peer.upstream.send(msg, peer.relayPort, '127.0.0.1');
  }

  private toCaller(peer: Peer, msg: Buffer): void {
    if (this.open) this.socket.send(msg, peer.port, peer.address);
  }

  private handshaking(): number {
    let n = 0;
    for (const p of this.peers.values()) if (p.state === 'handshake' || p.state === 'admitting') n++;
    return n;
  }

  /** Callers that went quiet, handshakes that never concluded, refusals that have been repeated enough. */
  private sweep(): void {
    const now = Date.now();
    for (const p of this.peers.values()) {
      if (p.state === 'connected' && now - p.lastHeard > this.opts.idleMs) void this.end(p, 'caller silent');
      else if (p.state === 'handshake' && now - p.since > HANDSHAKE_TIMEOUT_MS) void this.end(p, 'no conclusion');
      else if (p.state === 'rejected' && now - p.since > REJECTED_LINGER_MS) void this.end(p, 'refused');
    }
  }

  /**
   * The caller's stay is over: the relay is stopped with SIGTERM (it closes its RTMP publish, so
   * NGINX's publish-done ends the publication as when an RTMP publisher leaves) and a caller that
   * may still be there is told with a SHUTDOWN instead of waiting out its own idle timeout.
   */
  private async end(peer: Peer, why: string): Promise<void> {
    if (peer.state === 'closed') return;
    const wasConnected = peer.state === 'connected';
    peer.state = 'closed';
    if (wasConnected) this.toCaller(peer, shutdownPacket(peer.callerSocket, (Date.now() - this.started) * 1000));
    const relay = peer.relay;
    if (relay && relay.exitCode === null && relay.signalCode === null) {
      const exited = new Promise((r) => relay.once('exit', r));
      // FFmpeg's first signal only stops it between packets, and a relay whose caller vanished is
      // blocked reading: the second interrupts the read, and it still writes its FLV trailer.
      relay.kill('SIGTERM');
      const again = setTimeout(() => relay.kill('SIGTERM'), 100);
      const timer = setTimeout(() => relay.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(again);
      clearTimeout(timer);
    }
    peer.upstream.close();
    if (this.peers.get(peer.id) === peer) this.peers.delete(peer.id);
    if (wasConnected) this.opts.log('info', 'srt caller closed', { caller: peer.id, why });
  }
}

/** A UDP port free right now on loopback, for a relay to listen on. */
function freeUdpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = dgram.createSocket('udp4');
    s.once('error', reject);
    s.bind(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}
