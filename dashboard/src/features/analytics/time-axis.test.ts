import { describe, expect, it } from 'vitest';
import { align, timeAxis } from './time-axis';

describe('the shared time axis', () => {
  it('starts at the bucket holding `from` and steps by the granularity', () => {
    const axis = timeAxis('2026-06-01T10:02:30Z', '2026-06-01T10:05:00Z', 'minute');
    expect(axis.map((t) => new Date(t).toISOString())).toEqual([
      '2026-06-01T10:02:00.000Z',
      '2026-06-01T10:03:00.000Z',
      '2026-06-01T10:04:00.000Z',
    ]);
    expect(timeAxis('2026-06-01T10:30:00Z', '2026-06-02T00:00:00Z', 'day')).toEqual([Date.UTC(2026, 5, 1)]);
  });

  it('puts rows of two reads on the same buckets and fills the missing ones', () => {
    const axis = timeAxis('2026-06-01T10:00:00Z', '2026-06-01T10:04:00Z', 'minute');
    const viewers = [
      { time: '2026-06-01T10:01:00.000Z', concurrent_viewers: 3, startup_avg_ms: 900 },
      { time: '2026-06-01T10:03:00.000Z', concurrent_viewers: 1, startup_avg_ms: null },
    ];
    const chat = [{ time: '2026-06-01T10:03:00.000Z', messages: 7 }];
    expect(align(axis, viewers, (r) => r.concurrent_viewers, 0)).toEqual([0, 3, 0, 1]);
    expect(align(axis, viewers, (r) => r.startup_avg_ms, null)).toEqual([null, 900, null, null]);
    expect(align(axis, chat, (r) => r.messages, 0)).toEqual([0, 0, 0, 7]);
  });
});
