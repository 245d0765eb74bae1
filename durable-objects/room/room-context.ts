import type { EventType } from '@edgelive/shared';
import type { CompiledBlocklist } from './blocklist';
import type { RoomConfig } from './contract';
import type { FanOut } from './fanout';
import type { RoomStore } from './room-store';

/**
 * What the room's parts (chat frames, moderation) share with the object that owns them: its
 * storage, its one way out (fan-out), its current config, and how it records events and drops a
 * socket. Passed in rather than reached for, so each part reads as the job it does.
 */
export interface RoomContext {
  readonly ctx: DurableObjectState;
  readonly store: RoomStore;
  readonly out: FanOut;
  /** Null only before the first configure and after shutdown; frames are ignored then. */
  config(): RoomConfig | null;
  blocklist(): CompiledBlocklist | null;
  emit(type: EventType, objectType: string, objectId: string, data: Record<string, unknown>): void;
  /** Runs the object's alarm handler for `name` at `at` (core Scheduler; earlier times win). */
  schedule(name: string, at: number): void;
  /** Usage metering (issue 15): one accepted chat message by this user. */
  meterMessage(userId: string): void;
  /** Presence and bookkeeping for a socket that is going (safe to call twice). */
  leave(ws: WebSocket): void;
}
