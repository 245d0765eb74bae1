import WebSocket from 'ws';

/**
 * A V8 CPU profile of the Worker's isolate (the room object runs in it) through wrangler dev's
 * DevTools inspector, summarised as self time per function. Native work the runtime does for a
 * call from JavaScript (a socket's `send`, a SQLite `exec`) is charged to that JavaScript frame's
 * native callee, so the summary shows how much of the room's CPU goes to sends, to SQL and to JSON.
 */

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface ProfileSummary {
  /** Wall time the profile covered, ms. */
  wallMs: number;
  /** Sampled time that was not idle, ms. */
  busyMs: number;
  /** Self time by function, highest first (idle excluded). */
  top: { name: string; ms: number; share: number }[];
  /** Self time by kind: sends, SQL, JSON, GC, the rest of the room's JavaScript. */
  byKind: Record<string, number>;
}

export class Inspector {
  private seq = 0;
  private readonly pending = new Map<number, (r: unknown) => void>();

  private readonly ws: WebSocket;

  private constructor(ws: WebSocket) {
    this.ws = ws;
    ws.on('message', (d) => {
      const m = JSON.parse(d.toString()) as { id?: number; result?: unknown };
      if (m.id !== undefined) this.pending.get(m.id)?.(m.result);
    });
  }

  /** Connects to the first target the inspector lists (the Worker's isolate). */
  static async connect(port: number): Promise<Inspector> {
    const targets = (await (await fetch(`http://127.0.0.1:${port}/json`)).json()) as {
      webSocketDebuggerUrl: string;
    }[];
    const url = targets[0]?.webSocketDebuggerUrl;
    if (!url) throw new Error(`no inspector target on port ${port}`);
    const ws = new WebSocket(url.startsWith('ws') ? url : `ws://${url}`);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return new Inspector(ws);
  }

  call<T>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    const id = ++this.seq;
    return new Promise((resolve) => {
      this.pending.set(id, (r) => resolve(r as T));
      this.ws.send(JSON.stringify({ id, method, params }));
    });
  }

  async start() {
    await this.call('Profiler.enable');
    // 1 ms sampling: fine enough for a few seconds of fan-out, cheap enough not to distort it much.
    await this.call('Profiler.setSamplingInterval', { interval: 1000 });
    await this.call('Profiler.start');
  }

  async stop(): Promise<ProfileSummary> {
    const { profile } = await this.call<{ profile: Profile }>('Profiler.stop');
    return summarise(profile);
  }

  close() {
    this.ws.close();
  }
}

const kindOf = (name: string, url: string): string => {
  if (name === '(garbage collector)') return 'gc';
  if (name === 'send' || name === 'safeSend') return 'socket sends';
  if (name === 'exec' || name === 'toArray' || url.includes('room-store') || name === 'transactionSync')
    return 'sqlite';
  if (name === 'stringify' || name === 'parse') return 'json';
  if (name === 'getWebSockets' || name === 'deserializeAttachment' || name === 'serializeAttachment')
    return 'socket bookkeeping';
  if (name === '(program)') return 'runtime (outside JS)';
  return 'other JS';
};

export function summarise(p: Profile): ProfileSummary {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  const samples = p.samples ?? [];
  const deltas = p.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    const id = samples[i]!;
    // A sample's time is the delta to the next one.
    const dt = (deltas[i + 1] ?? 0) / 1000;
    self.set(id, (self.get(id) ?? 0) + dt);
  }
  const byName = new Map<string, number>();
  const byKind: Record<string, number> = {};
  let busy = 0;
  for (const [id, ms] of self) {
    const n = byId.get(id)!;
    const { functionName, url, lineNumber } = n.callFrame;
    if (functionName === '(idle)') continue;
    busy += ms;
    const file = url.split('/').pop() ?? '';
    const name = `${functionName || '(anonymous)'}${file ? ` ${file}:${lineNumber + 1}` : ''}`;
    byName.set(name, (byName.get(name) ?? 0) + ms);
    const k = kindOf(functionName, url);
    byKind[k] = (byKind[k] ?? 0) + ms;
  }
  const top = [...byName.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 12)
    .map(([name, ms]) => ({ name, ms, share: busy ? ms / busy : 0 }));
  return { wallMs: (p.endTime - p.startTime) / 1000, busyMs: busy, top, byKind };
}

export function formatSummary(s: ProfileSummary): string[] {
  const pct = (x: number) => `${((x / (s.busyMs || 1)) * 100).toFixed(0)}%`;
  const lines = [
    `  profile: ${s.busyMs.toFixed(0)} ms busy of ${s.wallMs.toFixed(0)} ms (${((s.busyMs / s.wallMs) * 100).toFixed(0)}% of a core in the isolate's thread)`,
    `  by kind: ${Object.entries(s.byKind)
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => `${k} ${pct(v)}`)
      .join(', ')}`,
  ];
  for (const t of s.top)
    lines.push(`    ${(t.share * 100).toFixed(1).padStart(5)}%  ${t.ms.toFixed(0).padStart(6)} ms  ${t.name}`);
  return lines;
}
