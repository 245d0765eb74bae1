import { z } from 'zod';
import { LIMITS } from './rooms';

/**
 * A room's settings as the REST API takes and returns them. The Durable Object keeps a copy and
 * enforces it; the dashboard renders the same schema.
 */
export const Blocklist = z.object({
  /** Whole words, matched case-insensitively. */
  words: z.array(z.string().trim().min(1).max(64)).max(500).default([]),
  /** Regular expressions (a safe subset: see docs/rooms-protocol.md), matched case-insensitively. */
  patterns: z.array(z.string().min(1).max(200)).max(50).default([]),
  /** `block` refuses the message (`blocked_content`); `flag` delivers it and files a flag for moderators. */
  action: z.enum(['block', 'flag']).default('block'),
});
export type Blocklist = z.infer<typeof Blocklist>;

export const RoomSettings = z.object({
  /** Seconds a user waits between messages; moderators and admins are exempt. */
  slow_mode_seconds: z.number().int().min(1).max(120).nullable().default(null),
  max_message_length: z.number().int().min(1).max(LIMITS.maxMessageLength).default(500),
  blocklist: Blocklist.default({ words: [], patterns: [], action: 'block' }),
  /** Whether people without a token may watch the room read-only. */
  anonymous_read: z.boolean().default(false),
  /** Messages older than this are deleted; null keeps them. */
  retention_days: z.number().int().min(1).max(3650).nullable().default(null),
  /**
   * Sharding (docs/handbook/real-time-rooms.md): once the room's own object holds this many sockets,
   * new sockets go to edge shards, each filled to about this many before another is added.
   */
  shard_above: z.number().int().min(1).max(100_000).default(5000),
  /** The most edge shards the room may use; 0 keeps every socket on the room's own object. */
  max_shards: z.number().int().min(0).max(64).default(16),
  /**
   * When the shard count changes, how many sockets a second on a shard their user no longer hashes
   * to are asked to reconnect (close 1012), so the shards keep even shares; 0 leaves them where they joined.
   */
  shard_moves_per_second: z.number().int().min(0).max(1000).default(100),
});
export type RoomSettings = z.infer<typeof RoomSettings>;

export const DEFAULT_ROOM_SETTINGS: RoomSettings = RoomSettings.parse({});

/** PATCH (and POST) bodies: every field optional and no defaults, so absent means unchanged. */
export const RoomSettingsPatch = z
  .object({
    slow_mode_seconds: z.number().int().min(1).max(120).nullable().optional(),
    max_message_length: z.number().int().min(1).max(LIMITS.maxMessageLength).optional(),
    blocklist: z
      .object({
        words: z.array(z.string().trim().min(1).max(64)).max(500).optional(),
        patterns: z.array(z.string().min(1).max(200)).max(50).optional(),
        action: z.enum(['block', 'flag']).optional(),
      })
      .strict()
      .optional(),
    anonymous_read: z.boolean().optional(),
    retention_days: z.number().int().min(1).max(3650).nullable().optional(),
    shard_above: z.number().int().min(1).max(100_000).optional(),
    max_shards: z.number().int().min(0).max(64).optional(),
    shard_moves_per_second: z.number().int().min(0).max(1000).optional(),
  })
  .strict();
export type RoomSettingsPatch = z.infer<typeof RoomSettingsPatch>;

export function applySettingsPatch(current: RoomSettings, patch: RoomSettingsPatch): RoomSettings {
  const { blocklist, ...rest } = patch;
  const defined = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
  const bl = Object.fromEntries(Object.entries(blocklist ?? {}).filter(([, v]) => v !== undefined));
  return RoomSettings.parse({ ...current, ...defined, blocklist: { ...current.blocklist, ...bl } });
}
