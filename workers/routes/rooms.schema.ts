import { ChatRole, RoomSettings, RoomSettingsPatch, UserId, Message as WireMessage } from '@edgelive/shared';
import { z } from '@hono/zod-openapi';
import { idParam } from '../lib/router';

/** OpenAPI shapes of the rooms API; the settings schemas are the shared ones the dashboard uses. */
export const Settings = RoomSettings.openapi('RoomSettings');
export const SettingsPatch = RoomSettingsPatch.openapi('RoomSettingsPatch');
export const ChatUserId = UserId.openapi({ example: 'user_42' });

export const Room = z
  .object({
    id: z.string(),
    app_id: z.string(),
    name: z.string().nullable(),
    kind: z.enum(['app', 'stream', 'direct']),
    stream_id: z.string().nullable(),
    members: z.array(z.string()).nullable().openapi({ description: 'The two user ids of a direct room.' }),
    settings: Settings,
    metadata: z.record(z.string(), z.string()),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi('Room');

export const RoomWithLive = Room.extend({
  live: z.object({
    viewers: z.number().int(),
    members: z.number().int(),
    peak: z.number().int(),
    /** Open sockets, on the room's own object and its edge shards. */
    connections: z.number().int(),
    shards: z.record(z.string(), z.number().int()).openapi({
      description:
        "Open sockets per edge shard (by shard number) of a room past `settings.shard_above`; empty when the room's own object holds them all.",
    }),
  }),
}).openapi('RoomWithLive');

export const Metadata = z
  .record(z.string().max(64), z.string().max(500))
  .refine((m) => Object.keys(m).length <= 20, 'at most 20 keys');

export const ChatMessage = (WireMessage as unknown as z.ZodType<z.infer<typeof WireMessage>>).openapi('ChatMessage');

export const RoomParam = idParam('room_id', 'room_123');
export const roleSchema = ChatRole;

export const Restriction = z
  .object({
    room_id: z.string().nullable(),
    user_id: z.string(),
    until: z.string().nullable(),
    reason: z.string().nullable(),
    created_at: z.string(),
  })
  .openapi('ChatRestriction');

export const RestrictionBody = z
  .object({
    user_id: ChatUserId,
    duration_seconds: z
      .number()
      .int()
      .min(1)
      .max(365 * 86400)
      .optional()
      .openapi({ description: 'Omit for no end.' }),
    reason: z.string().max(500).optional(),
  })
  .strict();
