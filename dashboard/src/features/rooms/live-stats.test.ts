import { describe, expect, it } from 'vitest';
import { appendSample, perMinute } from './live-stats';

describe('live numbers', () => {
  it('counts chat messages per whole minute, current minute last', () => {
    const now = Date.parse('2026-01-01T10:05:30Z');
    const ts = ['2026-01-01T10:05:01Z', '2026-01-01T10:05:29Z', '2026-01-01T10:04:59Z', '2026-01-01T09:00:00Z'];
    const b = perMinute(ts, now, 3);
    expect(b.map((x) => x.count)).toEqual([0, 1, 2]);
  });

  it('keeps a bounded viewer series and replaces a sample taken at the same instant', () => {
    let s = appendSample([], { t: 0, v: 1 }, 1000);
    s = appendSample(s, { t: 500, v: 2 }, 1000);
    s = appendSample(s, { t: 500, v: 3 }, 1000);
    expect(s).toEqual([
      { t: 0, v: 1 },
      { t: 500, v: 3 },
    ]);
    s = appendSample(s, { t: 1400, v: 4 }, 1000);
    expect(s).toEqual([
      { t: 500, v: 3 },
      { t: 1400, v: 4 },
    ]);
  });
});
