import { EVENT_TYPES } from '@edgelive/shared';
import { describe, expect, it } from 'vitest';
import { coveredByWider, eventFamilies, togglePattern } from './event-selection';

describe('event selection', () => {
  it('groups the whole shared catalog into families, minus the on-request test event', () => {
    const fams = eventFamilies();
    const listed = fams.flatMap((f) => f.types.map((t) => t.type));
    expect(listed).toEqual(EVENT_TYPES.filter((t) => t !== 'webhook_endpoint.test'));
    expect(fams.map((f) => f.pattern)).toContain('chat.*');
    expect(fams.find((f) => f.pattern === 'stream.*')?.types.map((t) => t.type)).toContain('stream.active');
  });

  it('keeps the smallest list: a type drops *, a family drops the types it covers', () => {
    expect(togglePattern(['*'], 'stream.active')).toEqual(['stream.active']);
    expect(togglePattern(['stream.active', 'room.created'], 'stream.*')).toEqual(['room.created', 'stream.*']);
    expect(togglePattern(['stream.*'], 'stream.*')).toEqual([]);
    expect(togglePattern(['room.*'], '*')).toEqual(['*']);
    expect(coveredByWider(['stream.*'], 'stream.idle')).toBe(true);
    expect(coveredByWider(['stream.idle'], 'stream.idle')).toBe(false);
  });
});
