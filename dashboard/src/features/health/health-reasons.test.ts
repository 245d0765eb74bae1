import { describe, expect, it } from 'vitest';
import type { HealthSample } from './health.queries';
import { transitions } from './health-reasons';

const s = (at: string, status: HealthSample['status'], reasons: HealthSample['reasons'] = []) =>
  ({ at, status, reasons }) as HealthSample;

describe('health transitions', () => {
  it('keeps only the samples where the verdict changed', () => {
    expect(
      transitions([
        s('t1', 'healthy'),
        s('t2', 'healthy'),
        s('t3', 'degraded', ['input_bitrate_low']),
        s('t4', 'degraded', ['input_bitrate_low']),
        s('t5', 'healthy'),
      ]),
    ).toEqual([
      { at: 't1', status: 'healthy', reasons: [] },
      { at: 't3', status: 'degraded', reasons: ['input_bitrate_low'] },
      { at: 't5', status: 'healthy', reasons: [] },
    ]);
  });
});
