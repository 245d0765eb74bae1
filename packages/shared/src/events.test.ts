import { describe, expect, it } from 'vitest';
import { EVENT_TYPES, eventTypeMatches, isValidPattern, matchesAnyPattern } from './events';

describe('event catalog', () => {
  it('lists every type issue 6 asks for', () => {
    for (const t of [
      'stream.created',
      'stream.updated',
      'stream.deleted',
      'stream.active',
      'stream.reconnecting',
      'stream.idle',
      'stream.disabled',
      'stream.key_reset',
      'recording.ready',
      'room.created',
      'room.deleted',
      'chat.message.flagged',
      'chat.user.banned',
      'chat.user.unbanned',
      'chat.user.muted',
      'viewers.peak',
      'api_key.created',
      'api_key.revoked',
      'member.invited',
      'member.removed',
      'webhook_endpoint.disabled',
    ]) {
      expect(EVENT_TYPES).toContain(t);
    }
  });
});

describe('wildcard patterns', () => {
  it('matches exact types, prefixes and everything', () => {
    expect(eventTypeMatches('*', 'room.created')).toBe(true);
    expect(eventTypeMatches('stream.*', 'stream.active')).toBe(true);
    expect(eventTypeMatches('stream.*', 'stream.key_reset')).toBe(true);
    expect(eventTypeMatches('chat.*', 'chat.user.banned')).toBe(true);
    expect(eventTypeMatches('chat.user.*', 'chat.user.banned')).toBe(true);
    expect(eventTypeMatches('chat.user.*', 'chat.message.flagged')).toBe(false);
    expect(eventTypeMatches('stream.active', 'stream.active')).toBe(true);
    expect(eventTypeMatches('stream.active', 'stream.idle')).toBe(false);
    // A prefix must end at a dot: `stream.*` is not `streams.x`, and `str*` is not a wildcard.
    expect(eventTypeMatches('stream.*', 'streamer.active')).toBe(false);
    expect(eventTypeMatches('str*', 'stream.active')).toBe(false);
    expect(matchesAnyPattern(['room.*', 'api_key.revoked'], 'api_key.revoked')).toBe(true);
    expect(matchesAnyPattern(['room.*', 'api_key.revoked'], 'api_key.created')).toBe(false);
  });

  it('accepts only patterns that name something in the catalog', () => {
    for (const p of ['*', 'stream.*', 'chat.user.*', 'recording.ready']) expect(isValidPattern(p), p).toBe(true);
    for (const p of ['strem.*', 'stream.actve', 'stream', '*.active', 'stream.**', ''])
      expect(isValidPattern(p), p).toBe(false);
  });
});
