/**
 * A receiver process of the fan-out load generator (forked by fanout-load.ts): it holds a share of
 * the room's clients and counts what they receive, so receiving 100,000+ frames a second is spread
 * over several processes and the generator is not what limits the faster server. Driven over IPC:
 * `connect`, `reset`, `report`, `close`.
 */
import type WebSocket from 'ws';
import { type Kind, openClient, Tally } from './fanout-receive.ts';

type Command =
  | { cmd: 'connect'; kind: Kind; urls: string[]; sampled: boolean[] }
  | { cmd: 'reset'; stepFrom: number }
  | { cmd: 'report'; id: number }
  | { cmd: 'close' };

const tally = new Tally();
const sockets: WebSocket[] = [];
const reply = (m: unknown) => process.send?.(m);

process.on('message', async (m: Command) => {
  if (m.cmd === 'connect') {
    try {
      for (let i = 0; i < m.urls.length; i += 50) {
        const made = await Promise.all(
          m.urls.slice(i, i + 50).map(async (url, k) => {
            const ws = await openClient(m.kind, url, `client ${i + k}`);
            tally.attach(m.kind, ws, m.sampled[i + k]!);
            return ws;
          }),
        );
        sockets.push(...made);
      }
      reply({ cmd: 'connected', n: sockets.length });
    } catch (err) {
      reply({ cmd: 'failed', error: String(err) });
    }
  } else if (m.cmd === 'reset') {
    tally.reset(m.stepFrom);
    reply({ cmd: 'reset' });
  } else if (m.cmd === 'report') {
    reply({ cmd: 'report', id: m.id, report: tally.report() });
  } else {
    for (const ws of sockets) ws.terminate();
    process.exit(0);
  }
});

// The generator went away (done, or stopped by a signal): so do its receivers.
process.on('disconnect', () => process.exit(0));
