import { DEFAULT_ROOM_SETTINGS } from '@edgelive/shared';
import { describe, expect, it } from 'vitest';
import { compileBlocklist } from './blocklist';
import type { RestrictionRow } from './contract';
import { checkEdit, checkReact, checkSend, MAX_REACTIONS_PER_USER, type Restrictions, typingGate } from './send-policy';

const now = 1_000_000;
const none: Restrictions = new Map();
const muted = (until: number | null): Restrictions =>
  new Map([['mute', { user_id: 'u', kind: 'mute', until, reason: null, by: 'm', created_at: 0 } as RestrictionRow]]);
const send = (over: Partial<Parameters<typeof checkSend>[0]> = {}) =>
  checkSend({
    text: 'hi',
    clientId: 'c1',
    role: 'user',
    settings: DEFAULT_ROOM_SETTINGS,
    restrictions: none,
    blocklist: compileBlocklist({ words: ['darn'], patterns: [], action: 'block' }),
    lastSentAt: null,
    now,
    ...over,
  });

describe('send policy', () => {
  it('passes a plain message and refuses in order: mute, length, emptiness, slow mode, blocklist', () => {
    expect(send()).toBeNull();
    expect(send({ restrictions: muted(now + 30_000) })).toEqual({
      type: 'error',
      code: 'muted',
      message: 'You are muted in this room.',
      ref: 'c1',
      retry_after: 30,
    });
    expect(send({ restrictions: muted(null) })).not.toHaveProperty('retry_after');
    expect(send({ text: 'x'.repeat(501) })).toMatchObject({ code: 'invalid', ref: 'c1' });
    expect(send({ text: '   ' })).toMatchObject({ code: 'invalid', message: 'The message is empty.' });
    const slow = { ...DEFAULT_ROOM_SETTINGS, slow_mode_seconds: 10 };
    expect(send({ settings: slow, lastSentAt: now - 4000 })).toMatchObject({ code: 'slow_mode', retry_after: 6 });
    expect(send({ settings: slow, lastSentAt: now - 10_000 })).toBeNull();
    expect(send({ settings: slow, lastSentAt: now - 1, role: 'moderator' })).toBeNull();
    expect(send({ text: 'oh darn' })).toMatchObject({ code: 'blocked_content' });
    expect(send({ text: 'oh darn', role: 'admin' })).toBeNull();
  });

  it('edits: own messages only, and the mute and blocklist apply as to a new message', () => {
    const edit = (over: Partial<Parameters<typeof checkEdit>[0]> = {}) =>
      checkEdit({
        messageId: 'm1',
        authorId: 'u',
        userId: 'u',
        text: 'fixed',
        role: 'user',
        settings: DEFAULT_ROOM_SETTINGS,
        restrictions: none,
        blocklist: compileBlocklist({ words: ['darn'], patterns: [], action: 'block' }),
        now,
        ...over,
      });
    expect(edit()).toBeNull();
    expect(edit({ authorId: 'other' })).toMatchObject({ code: 'forbidden', ref: 'm1' });
    expect(edit({ restrictions: muted(null) })).toMatchObject({ code: 'muted', ref: 'm1' });
    expect(edit({ text: 'darn' })).toMatchObject({ code: 'blocked_content' });
  });

  it('reactions: not on system messages, not while muted, at most ten per user per message', () => {
    const react = (over: Partial<Parameters<typeof checkReact>[0]> = {}) =>
      checkReact({ messageId: 'm1', kind: 'user', on: true, mine: 0, restrictions: none, now, ...over });
    expect(react()).toBeNull();
    expect(react({ kind: 'system' })).toMatchObject({ code: 'invalid' });
    expect(react({ restrictions: muted(null) })).toMatchObject({ code: 'muted' });
    expect(react({ mine: MAX_REACTIONS_PER_USER })).toMatchObject({ code: 'invalid' });
    expect(react({ mine: MAX_REACTIONS_PER_USER, on: false })).toBeNull();
  });

  it('typing: one `on` per 2 s and one `off` per `on`, whatever the order', () => {
    let state: ReturnType<typeof typingGate>['next'];
    const passed: boolean[] = [];
    for (let i = 0; i < 30; i++) {
      const g = typingGate(state, i % 2 === 0, now + i * 33);
      passed.push(g.pass);
      state = g.next;
    }
    expect(passed.filter(Boolean)).toHaveLength(2);
    expect(passed.slice(0, 2)).toEqual([true, true]);
    // After the throttle window a new `on` goes out again; an `off` with nothing to end does not.
    expect(typingGate(state, true, now + 3000).pass).toBe(true);
    expect(typingGate(undefined, false, now).pass).toBe(false);
  });
});
