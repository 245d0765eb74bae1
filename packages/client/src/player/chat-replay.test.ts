import { describe, expect, it } from 'vitest';
import { type ReplayMessage, sentBy } from './chat-replay';

const at = (...times: number[]): ReplayMessage[] =>
  times.map((t, i) => ({ id: `msg_${i}`, name: null, text: `m${i}`, media_time_s: t, sent_at: '' }));

describe('sentBy: how many replay messages were sent by the playhead', () => {
  it('counts messages at or before the time, ties included, by binary search', () => {
    const m = at(1.5, 3, 3, 7.25);
    expect([0, 1.49, 1.5, 2.9, 3, 7.24, 7.25, 100].map((t) => sentBy(m, t))).toEqual([0, 0, 1, 1, 3, 3, 4, 4]);
    expect(sentBy([], 5)).toBe(0);
    const many = at(...Array.from({ length: 1001 }, (_, i) => i / 10));
    expect(sentBy(many, 50)).toBe(501);
  });
});
