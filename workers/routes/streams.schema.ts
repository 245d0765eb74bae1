import { RENDITION_NAMES } from '@edgelive/shared/ladder';
import { MAX_DVR_WINDOW_SECONDS, MAX_SESSION_SECONDS } from '@edgelive/shared/live-timing';
import { z } from '@hono/zod-openapi';

/**
 * Request and response shapes of the streams API, shared by its routes and the OpenAPI document.
 * The renderers that fill them live in core/stream-views.ts: the stream object's reactions render
 * streams for events the same way.
 */

export const LatencyMode = z
  .enum(['standard', 'low'])
  .openapi({ description: '`low` uses about 1 s segments, `standard` about 2 s.' });
export const PlaybackPolicy = z.enum(['public', 'signed']);
export const Rendition = z.enum(RENDITION_NAMES);

const Ladder = z
  .array(Rendition)
  .min(1)
  .max(RENDITION_NAMES.length)
  .refine((l) => new Set(l).size === l.length, 'rungs must not repeat')
  .openapi({
    description: 'Passthrough `source` plus scaled rungs; the origin drops rungs above the input (never upscales).',
    example: ['source', '720p', '480p', '360p'],
  });

const Metadata = z
  .record(z.string().min(1).max(40), z.string().max(500))
  .refine((m) => Object.keys(m).length <= 50, 'at most 50 keys')
  .openapi({
    description: 'Your own key/value pairs (up to 50 keys of 40 characters, values up to 500).',
    example: { show: 'weekly' },
  });

const settable = {
  name: z.string().trim().min(1).max(200),
  latency_mode: LatencyMode,
  recording: z.boolean().openapi({ description: 'Keep each session as a VOD recording in R2.' }),
  encryption: z.boolean().openapi({
    description:
      'Encrypt segments with AES-128, a new key per session, served only to viewers the playback policy admits.',
  }),
  reconnect_window: z
    .number()
    .int()
    .min(0)
    .max(1800)
    .openapi({ description: 'Seconds a dropped publisher has to come back to the same session.' }),
  ladder: Ladder,
  metadata: Metadata,
  mp4_support: z.enum(['none', 'standard']).openapi({
    description: "`standard`: each recorded session's asset gets a downloadable MP4 (made by a media job).",
  }),
  dvr_window_seconds: z.number().int().min(0).max(MAX_DVR_WINDOW_SECONDS).openapi({
    description:
      'Seconds of the live session its playlists keep, so viewers can seek back and jump to live (0: the 30 s live window only; up to 4 h).',
  }),
  max_duration_seconds: z.number().int().min(60).max(MAX_SESSION_SECONDS).openapi({
    description:
      'A session is ended after this long (reconnects included), with `stream.max_duration_reached`. Default 12 h.',
  }),
  recording_retention_days: z.number().int().min(1).max(3650).nullable().openapi({
    description: "Delete this stream's recordings (with their media) after this many days; null: the app's setting.",
  }),
};

const Settable = z.object(settable).partial();

const ChannelRef = z
  .string()
  .min(1)
  .max(64)
  .openapi({ description: 'A channel of this app (`ch_...`): its watch page shows the stream.', example: 'ch_123' });

export const CreateStreamBody = Settable.extend({
  channel_id: ChannelRef.optional(),
  playback_policies: z
    .array(PlaybackPolicy)
    .max(5)
    .optional()
    .openapi({ description: 'Create a playback id per entry.' }),
})
  .strict()
  .openapi('CreateStream');

export const UpdateStreamBody = Settable.extend({
  channel_id: ChannelRef.nullable()
    .optional()
    .openapi({ description: 'Move the stream to this channel; null takes it off.' }),
})
  .strict()
  .openapi('UpdateStream', {
    description: 'Changes apply from the next session; a live session keeps its settings.',
  });

export const PlaybackId = z
  .object({ id: z.string(), policy: PlaybackPolicy, created_at: z.string() })
  .openapi('PlaybackId');

export const StreamSession = z
  .object({
    id: z.string(),
    stream_id: z.string(),
    status: z.enum(['active', 'reconnecting', 'ended', 'refused']).openapi({
      description: '`refused`: a publish the plan refused at `on_publish`; `refusal` says why.',
    }),
    started_at: z.string(),
    ended_at: z.string().nullable(),
    origin_id: z.string(),
    input: z
      .object({
        video_codec: z.string().nullable(),
        audio_codec: z.string().nullable(),
        width: z.number().nullable(),
        height: z.number().nullable(),
        frame_rate: z.number().nullable(),
        bitrate_kbps: z.number().nullable(),
      })
      .nullable(),
    reconnects: z.number(),
    recording: z
      .object({
        status: z.enum(['recording', 'ready', 'empty']).openapi({
          description:
            '`recording` while the session runs (and until its playlists are written), then `ready`, or `empty` when no segment arrived.',
        }),
        duration_s: z.number().nullable(),
        renditions: z.array(z.string()),
        playback_path: z.string().nullable().openapi({
          description:
            'Once ready: the VOD master playlist below any playback id of the stream, `GET /hls/{playback_id}/{playback_path}` (with `?token=` for a signed id).',
          example: 'recordings/ses_01hx.m3u8',
        }),
      })
      .nullable(),
    refusal: z
      .object({ code: z.string(), message: z.string(), details: z.unknown().optional() })
      .nullable()
      .openapi({ description: 'Why a `refused` session was refused (e.g. `plan_limit_exceeded`), else null.' }),
  })
  .openapi('StreamSession');

export const StreamIngest = z
  .object({
    origin_id: z.string().openapi({ description: 'The origin these URLs reach.' }),
    rtmp: z.string().openapi({ example: 'rtmp://ingest.example.com:1935/live' }),
    rtmps: z.string().nullable().openapi({ example: 'rtmps://ingest.example.com:443/live' }),
    srt: z.string().nullable().openapi({
      description: 'Publish with `?streamid=<stream_key>` (or `#!::r=<stream_key>,m=publish`).',
      example: 'srt://ingest.example.com:9000',
    }),
    whip: z
      .string()
      .nullable()
      .openapi({
        description:
          'WebRTC over WHIP (RFC 9725; OBS 30+: Service "WHIP"): POST the SDP offer here with ' +
          '`Authorization: Bearer <stream_key>`. H.264 video, Opus audio.',
        example: 'https://ingest.example.com:8443/whip/endpoint',
      }),
  })
  .openapi('StreamIngest', {
    description:
      "Where to publish: the live session's origin while it is up, else the least-loaded healthy origin. " +
      'OBS: server = `rtmp` (or `rtmps`), stream key = `stream_key`; SRT: `srt` + `?streamid=<stream_key>`; WHIP: `whip` + the key as Bearer token.',
  });

export const Stream = z
  .object({
    id: z.string(),
    app_id: z.string(),
    name: z.string(),
    status: z.enum(['idle', 'active', 'reconnecting', 'disabled']),
    stream_key: z
      .string()
      .nullable()
      .openapi({ description: 'The RTMP stream key: a secret. Null for console viewers.' }),
    latency_mode: LatencyMode,
    recording: z.boolean(),
    encryption: z.boolean(),
    reconnect_window: z.number(),
    ladder: z.array(z.string()),
    metadata: z.record(z.string(), z.string()),
    mp4_support: z.enum(['none', 'standard']),
    dvr_window_seconds: z.number(),
    max_duration_seconds: z.number(),
    recording_retention_days: z.number().nullable(),
    room_id: z.string().nullable(),
    channel_id: z.string().nullable().openapi({ description: 'The channel the stream is on, if any.' }),
    playback_ids: z.array(PlaybackId),
    current_session: StreamSession.nullable(),
    ingest: StreamIngest.nullable()
      .optional()
      .openapi({ description: 'Null when no origin is up. In API answers; not in event payloads.' }),
    disabled_at: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi('Stream');

export const CreatePlaybackIdBody = z.object({ policy: PlaybackPolicy }).strict();
