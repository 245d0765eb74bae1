import { describe, expect, it } from 'vitest';
import {
  type HealthSample,
  type HealthVerdictState,
  healthSampleSchema,
  initialHealth,
  judgeHealth,
  median,
} from './stream-health';

const sample = (over: Partial<HealthSample> = {}): HealthSample => ({
  at: '2026-06-01T10:00:00.000Z',
  window_s: 10,
  input_bitrate_kbps: 2500,
  frame_rate: 30,
  keyframe_interval_s: 1,
  segments: 5,
  segments_late: 0,
  segments_dropped: 0,
  upload_lag_ms_p95: 80,
  upload_backlog: 0,
  encoder_restarts: 0,
  ...over,
});

/** Feeds samples through the judge; returns each step's status and reasons. */
function run(samples: HealthSample[], baseline: number | null) {
  let st: HealthVerdictState = initialHealth();
  return samples.map((s) => {
    st = judgeHealth(st, s, baseline);
    return `${st.status}${st.reasons.length ? `:${st.reasons.join('+')}` : ''}`;
  });
}

describe('stream health judgement', () => {
  it('degrades after two low-bitrate samples and recovers after two clean ones', () => {
    const low = sample({ input_bitrate_kbps: 300 });
    expect(run([sample(), low, low, low, sample(), sample(), sample()], 2500)).toEqual([
      'healthy',
      'healthy',
      'degraded:input_bitrate_low',
      'degraded:input_bitrate_low',
      'degraded:input_bitrate_low',
      'healthy',
      'healthy',
    ]);
  });

  it('judges no bitrate before the usual one is known', () => {
    expect(run([sample({ input_bitrate_kbps: 1 }), sample({ input_bitrate_kbps: 1 })], null)).toEqual([
      'healthy',
      'healthy',
    ]);
  });

  it('degrades at once on late segments, a restart or a backlog, and keeps every reason until it recovers', () => {
    expect(
      run(
        [
          sample({ segments_late: 2 }),
          sample({ encoder_restarts: 1 }),
          sample({ encoder_restarts: 1 }),
          sample({ encoder_restarts: 1 }),
          sample({ encoder_restarts: 1, upload_backlog: 20 }),
          sample({ encoder_restarts: 1, segments_dropped: 1 }),
        ],
        2500,
      ),
    ).toEqual([
      'degraded:segments_late',
      'degraded:segments_late+encoder_restarting',
      'degraded:segments_late+encoder_restarting',
      'healthy',
      'degraded:upload_backlog',
      'degraded:upload_backlog+segments_dropped',
    ]);
  });

  it('validates samples and takes medians', () => {
    expect(healthSampleSchema.safeParse(sample()).success).toBe(true);
    // An origin older than `segments_dropped` sends none: it dropped none.
    const { segments_dropped: _d, ...older } = sample();
    expect(healthSampleSchema.parse(older).segments_dropped).toBe(0);
    expect(healthSampleSchema.safeParse(sample({ input_bitrate_kbps: -1 })).success).toBe(false);
    expect(healthSampleSchema.safeParse({ ...sample(), at: 'yesterday' }).success).toBe(false);
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(median([])).toBeNull();
  });
});
