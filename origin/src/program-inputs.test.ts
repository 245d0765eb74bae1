import type { ProgramState } from '@edgelive/shared/stream-inputs';
import { describe, expect, it } from 'vitest';
import { silentLogger } from './log.ts';
import { type ProgramHost, ProgramInputs } from './program-inputs.ts';

const A = 'inp_AAAAAAAAAAAAAAAA';
const B = 'inp_BBBBBBBBBBBBBBBB';
const C = 'inp_CCCCCCCCCCCCCCCC';

/** A ladder that records what it was cut to, and a Worker that answers from a program row. */
function setup(failover: { auto: boolean; afterS: number } = { auto: false, afterS: 1 }) {
  const cuts: (string | null)[] = [];
  const warmed: string[] = [];
  const cooled: string[] = [];
  const host: ProgramHost & { source: string | null } = {
    streamId: 'str_AAAAAAAAAAAA',
    sessionId: 'lsn_AAAAAAAAAAAA',
    source: A,
    get sourceName() {
      return this.source;
    },
    async switchSource(name) {
      this.source = name;
      cuts.push(name);
    },
    async pauseSource() {
      this.source = null;
      cuts.push(null);
    },
    async warm(name) {
      warmed.push(name);
    },
    async cool(name) {
      cooled.push(name);
    },
  };
  const worker: ProgramState = {
    program_input_id: A,
    auto_failover: failover.auto,
    failover_after_s: failover.afterS,
    input_ids: [A, B, C],
  };
  const calls: string[] = [];
  const inputs = new ProgramInputs(
    {
      client: {
        program: async () => ({ ...worker }),
        inputDisconnected: async (_s, _x, id) => (calls.push(`gone ${id}`), { ...worker }),
        failover: async (_s, _x, id) => {
          calls.push(`failover ${id}`);
          worker.program_input_id = id;
          return { ...worker };
        },
      },
      log: silentLogger,
      pollMs: 50,
    },
    host,
    A,
  );
  inputs.add(A, 'c1');
  return { inputs, host, worker, cuts, calls, warmed, cooled };
}

const settle = (ms = 200) => new Promise((r) => setTimeout(r, ms));

describe('ProgramInputs', () => {
  it('follows the Worker’s program while several inputs are connected', async () => {
    const { inputs, worker, cuts, warmed } = setup();
    inputs.add(B, 'c2');
    inputs.start();
    await settle();
    expect(cuts).toEqual([]);
    // Every connected input's ladder is warm, so a cut needs no FFmpeg start.
    expect(warmed).toEqual([A, B]);
    worker.program_input_id = B;
    await settle();
    expect(cuts).toEqual([B]);
    // A program naming an input not connected here is not cut to.
    worker.program_input_id = C;
    await settle();
    expect(cuts).toEqual([B]);
    await inputs.stop();
  });

  it('pauses when the on-air input drops and, without failover, waits for it to come back', async () => {
    const { inputs, cuts, calls } = setup();
    inputs.add(B, 'c2');
    expect(await inputs.remove('c1')).toBe(false);
    await settle(1300);
    expect(cuts).toEqual([null]);
    expect(calls).toEqual([`gone ${A}`]);
    inputs.add(A, 'c3');
    await settle();
    expect(cuts).toEqual([null, A]);
    await inputs.stop();
  });

  it('fails over to the input connected longest after the configured delay, and tells the Worker', async () => {
    const { inputs, cuts, calls, cooled } = setup({ auto: true, afterS: 1 });
    inputs.add(B, 'c2');
    await settle(20);
    inputs.add(C, 'c3');
    await inputs.remove('c1');
    await settle(500);
    expect(cuts).toEqual([null]);
    await settle(900);
    expect(calls).toEqual([`gone ${A}`, `failover ${B}`]);
    expect(cuts).toEqual([null, B]);
    expect(inputs.programInputId).toBe(B);
    // Dropping an input that is not on air changes nothing on air; the last one leaving ends it all.
    await inputs.remove('c3');
    await settle(20);
    expect(cuts).toEqual([null, B]);
    expect(cooled).toEqual([A, C]);
    expect(await inputs.remove('c2')).toBe(true);
    await inputs.stop();
  });
});
