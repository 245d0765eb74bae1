import { z } from '@hono/zod-openapi';
import { CONNECTOR_KINDS } from '../../durable-objects/room/contract';

/** The shapes of `/v1/rooms/{room_id}/connectors`: one body per kind, one answer for all. */

const relay = z
  .boolean()
  .optional()
  .openapi({ description: 'Send messages written in the room to the external chat too.' });

export const CreateTwitchConnector = z
  .object({
    kind: z.literal('twitch'),
    channel: z
      .string()
      .regex(/^#?[A-Za-z0-9_]{1,50}$/, 'a channel name (letters, digits, _), with or without #')
      .openapi({ example: 'mychannel' }),
    host: z
      .string()
      .regex(/^[A-Za-z0-9.-]{1,253}$/, 'a host name or IPv4 address')
      .optional()
      .openapi({ description: 'The IRC server; default `irc.chat.twitch.tv`.' }),
    port: z.number().int().min(1).max(65535).optional().openapi({ description: 'Default 6697 (TLS).' }),
    tls: z.boolean().optional(),
    nick: z
      .string()
      .regex(/^[A-Za-z0-9_]{1,25}$/)
      .optional()
      .openapi({ description: "The bot's login; without `token`, Twitch's anonymous read-only `justinfan` nick." }),
    token: z.string().min(1).max(200).optional().openapi({
      description:
        'Twitch `oauth:...` token (needed to relay, and, as a moderator of the channel, to delete messages there). Encrypted at rest, never returned.',
    }),
    api_root: z
      .url({ protocol: /^https?$/ })
      .max(200)
      .optional()
      .openapi({
        description:
          "Where Twitch's HTTP APIs are (deletions use Helix `moderation/chat`); default Twitch's own (tests use a stand-in serving `helix/` and `oauth2/` under it).",
      }),
    relay,
  })
  .strict()
  .openapi('CreateTwitchConnector');

export const CreateYouTubeConnector = z
  .object({
    kind: z.literal('youtube'),
    video_id: z
      .string()
      .regex(/^[A-Za-z0-9_-]{6,20}$/, 'a YouTube video id')
      .optional()
      .openapi({
        description: "The live broadcast's video id; its active live chat is found from it.",
        example: 'dQw4w9WgXcQ',
      }),
    live_chat_id: z
      .string()
      .regex(/^[A-Za-z0-9_-]{6,200}$/, 'a YouTube live chat id')
      .optional()
      .openapi({ description: 'The live chat itself, when you know it (instead of `video_id`).' }),
    api_key: z
      .string()
      .min(10)
      .max(200)
      .optional()
      .openapi({ description: 'A Google API key: reads a public chat (no relay). Encrypted at rest, never returned.' }),
    token: z.string().min(10).max(4096).optional().openapi({
      description:
        'An OAuth 2.0 access token with the `youtube.force-ssl` scope: reads and writes (relay). Encrypted at rest, never returned.',
    }),
    api_root: z
      .url({ protocol: /^https?$/ })
      .max(200)
      .optional()
      .openapi({
        description: 'The YouTube Data API root; default `https://youtube.googleapis.com/` (tests use a stand-in).',
      }),
    refresh_token: z.string().min(10).max(4096).optional().openapi({
      description:
        "The OAuth 2.0 refresh token given with `token`: when YouTube refuses the access token (it lasts about an hour), Google's client gets a new one with it and goes on. Needs `client_id` and `client_secret`. Encrypted at rest, never returned.",
    }),
    client_id: z
      .string()
      .min(5)
      .max(300)
      .optional()
      .openapi({ description: 'The OAuth client the tokens were issued to (with `refresh_token`).' }),
    client_secret: z.string().min(5).max(300).optional().openapi({
      description: "That OAuth client's secret (with `refresh_token`). Encrypted at rest, never returned.",
    }),
    token_url: z
      .url({ protocol: /^https?$/ })
      .max(200)
      .optional()
      .openapi({
        description:
          "Google's OAuth token endpoint; default `https://oauth2.googleapis.com/token` (tests use a stand-in).",
      }),
    relay,
  })
  .strict()
  .openapi('CreateYouTubeConnector');

export const CreateConnector = z
  .discriminatedUnion('kind', [CreateTwitchConnector, CreateYouTubeConnector])
  .openapi('CreateChatConnector');

export const Connector = z
  .object({
    id: z.string().openapi({ example: 'con_123' }),
    room_id: z.string(),
    kind: z.enum(CONNECTOR_KINDS),
    channel: z
      .string()
      .openapi({ description: 'The IRC channel (Twitch) or the live chat id (YouTube; empty until found).' }),
    host: z.string(),
    port: z.number().int(),
    tls: z.boolean(),
    nick: z.string().nullable().openapi({ description: 'The IRC login (Twitch); null for YouTube.' }),
    api_root: z.string().nullable(),
    video_id: z.string().nullable(),
    auth: z.enum(['oauth', 'api_key']).nullable().openapi({ description: 'Which credential is set.' }),
    token_set: z.boolean(),
    refresh_token_set: z
      .boolean()
      .openapi({ description: 'YouTube: the access token is refreshed with a refresh token when it expires.' }),
    token_url: z.string().nullable(),
    relay: z.boolean(),
    status: z.enum(['connecting', 'connected', 'errored']),
    last_error: z.string().nullable(),
    created_at: z.string(),
  })
  .openapi('ChatConnector');
