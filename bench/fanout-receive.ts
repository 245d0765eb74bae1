import WebSocket from 'ws';

/**
 * The receiving side of the fan-out load generator, shared by the main process and its receiver
 * processes (fanout-receivers.ts): joining a room the way each server wants, and counting what
 * arrives. Timestamps are absolute (time origin + now) so a send in one process and a receive in
 * another compare.
 */

export type Kind = 'edgelive' | 'socket.io';

export const clock = () => performance.timeOrigin + performance.now();

export const MAX_MESSAGES = 40_000;

/** Resolves once the socket has joined its room (Edgelive: the snapshot; Socket.IO: the namespace connect). */
export function joinOf(kind: Kind, ws: WebSocket): Promise<void> {
  if (kind === 'edgelive') return new Promise((resolve) => ws.once('message', () => resolve()));
  // Engine.IO open packet, then a Socket.IO connect to the default namespace.
  return new Promise((resolve) => {
    ws.once('message', () => {
      ws.send('40');
      ws.once('message', () => resolve());
    });
  });
}

const withTimeout = <T>(p: Promise<T>, ms: number, what: string) =>
  Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(what)), ms).unref())]);

export async function openClient(kind: Kind, url: string, what: string): Promise<WebSocket> {
  const ws = new WebSocket(url, { perMessageDeflate: false });
  const joined = joinOf(kind, ws);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  await withTimeout(joined, 30_000, `${what} did not join`);
  return ws;
}

/** What one process's clients received during a step. */
export interface TallyReport {
  delivered: number;
  duplicates: number;
  latencies: number[];
  ackLatencies: number[];
  errors: [string, number][];
  closed: number;
}

/**
 * Counts deliveries for a set of clients. Payloads are found with a string search (`"b|<n>|<ms>`)
 * instead of JSON.parse, so the generator does the same small work per frame for either server.
 */
export class Tally {
  stepFrom = 0;
  delivered = 0;
  duplicates = 0;
  latencies: number[] = [];
  ackLatencies: number[] = [];
  closed = 0;
  readonly errors = new Map<string, number>();

  reset(stepFrom: number) {
    this.stepFrom = stepFrom;
    this.delivered = 0;
    this.duplicates = 0;
    this.latencies = [];
    this.ackLatencies = [];
  }

  attach(kind: Kind, ws: WebSocket, sampled: boolean) {
    const seen = new Uint8Array(MAX_MESSAGES);
    ws.on('close', () => this.closed++);
    ws.on('message', (buf: Buffer) => {
      const s = buf.toString();
      if (kind === 'socket.io' && s === '2') ws.send('3'); // Engine.IO ping
      if (s.startsWith('{"type":"error"')) {
        const code = /"code":"(\w+)"/.exec(s)?.[1] ?? '?';
        this.errors.set(code, (this.errors.get(code) ?? 0) + 1);
      }
      // A frame may carry several messages (Edgelive's `batch`, an author's ack among them): count
      // every payload in it. The frame a payload belongs to starts at the last `{"type":"` before it
      // (a message has no `type` key of its own).
      for (let at = s.indexOf('"b|'); at >= 0; at = s.indexOf('"b|', at + 3)) {
        const end = s.indexOf('"', at + 3);
        const [n, ts] = s.slice(at + 3, end).split('|');
        if (s.startsWith('{"type":"ack"', s.lastIndexOf('{"type":"', at))) {
          this.ackLatencies.push(clock() - Number(ts));
          continue;
        }
        const k = Number(n);
        if (seen[k]) {
          this.duplicates++;
          continue;
        }
        seen[k] = 1;
        if (k >= this.stepFrom) this.delivered++;
        if (sampled) this.latencies.push(clock() - Number(ts));
      }
    });
  }

  report(): TallyReport {
    return {
      delivered: this.delivered,
      duplicates: this.duplicates,
      latencies: this.latencies,
      ackLatencies: this.ackLatencies,
      errors: [...this.errors],
      closed: this.closed,
    };
  }
}
