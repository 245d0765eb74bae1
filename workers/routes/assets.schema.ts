import { MAX_SESSION_SECONDS } from '@edgelive/shared/live-timing';
import { z } from '@hono/zod-openapi';
import { PlaybackId, PlaybackPolicy } from './streams.schema';

/**
 * Request and response shapes of the assets API (issue 14). The renderer that fills `Asset`
 * lives in core/asset-views.ts: the stream's reactions render assets for events the same way.
 */

const AssetStatus = z.enum(['preparing', 'ready', 'errored']);
const AssetSource = z.enum(['live_session', 'upload', 'clip']);

const Metadata = z
  .record(z.string().min(1).max(40), z.string().max(500))
  .refine((m) => Object.keys(m).length <= 50, 'at most 50 keys')
  .openapi({ description: 'Your own key/value pairs (up to 50 keys of 40 characters, values up to 500).' });

export const Asset = z
  .object({
    id: z.string().openapi({ example: 'ast_01hx' }),
    app_id: z.string(),
    status: AssetStatus.openapi({
      description:
        '`preparing` while its media is being made (a live session still recording), then `ready` or `errored`.',
    }),
    duration: z.number().nullable().openapi({ description: 'Seconds, once ready.' }),
    resolution: z.string().nullable().openapi({ example: '1920x1080' }),
    renditions: z.array(z.string()),
    source: z.discriminatedUnion('type', [
      z.object({
        type: z.literal('live_session'),
        stream_id: z.string().nullable(),
        session_id: z.string().nullable(),
      }),
      z.object({
        type: z.literal('upload'),
        upload_id: z.string().nullable().openapi({ description: 'The direct upload it came from.' }),
        input_url: z.string().nullable().openapi({ description: 'The URL it was ingested from.' }),
      }),
      z.object({
        type: z.literal('clip'),
        parent_asset_id: z.string().nullable(),
        start: z
          .number()
          .nullable()
          .openapi({ description: "Seconds into the parent where the clip starts (a segment's start)." }),
        end: z.number().nullable().openapi({ description: 'Seconds into the parent where the clip ends.' }),
      }),
    ]),
    playback_ids: z.array(PlaybackId).openapi({
      description: 'Play at `/hls/{playback_id}.m3u8` (with `?token=` for a signed id, `aud` = `v`).',
    }),
    error: z.object({ reason: z.string() }).nullable(),
    mp4_support: z.enum(['none', 'standard']),
    mp4: z
      .object({
        status: z.enum(['preparing', 'ready', 'errored']),
        rendition: z.string().nullable(),
        bytes: z.number().nullable(),
        path: z.string().nullable().openapi({
          description:
            'Once ready: `GET /downloads/{playback_id}/{path}` (byte ranges; `?token=` with `aud` = `d` for a signed id).',
          example: 'highest.mp4',
        }),
        error: z.object({ reason: z.string() }).nullable(),
      })
      .nullable(),
    frame_accurate: z
      .object({
        status: z.enum(['preparing', 'ready', 'errored']),
        error: z.object({ reason: z.string() }).nullable(),
      })
      .nullable()
      .openapi({
        description:
          'A clip asked `frame_accurate`: `preparing` while a media job re-encodes its first and last segments (it plays segment-accurate meanwhile), `ready` once it runs from the `start` to the `end` asked.',
      }),
    passthrough: z.string().nullable(),
    metadata: z.record(z.string(), z.string()),
    created_at: z.string(),
    updated_at: z.string(),
    ready_at: z.string().nullable(),
  })
  .openapi('Asset');

const IsoDate = z.string().datetime({ offset: true });

export const AssetListQuery = z.object({
  stream_id: z.string().max(64).optional(),
  source: AssetSource.optional(),
  status: AssetStatus.optional(),
  created_after: IsoDate.optional().openapi({ description: 'Only assets created at or after this time.' }),
  created_before: IsoDate.optional().openapi({ description: 'Only assets created before this time.' }),
});

export const UpdateAssetBody = z
  .object({
    passthrough: z
      .string()
      .max(255)
      .nullable()
      .openapi({ description: 'An opaque string of yours (Mux: `passthrough`), returned as is.' }),
    metadata: Metadata,
    mp4_support: z.enum(['none', 'standard']).openapi({
      description: '`standard` makes an MP4 of the highest rung (a media job); `none` keeps what was made.',
    }),
  })
  .partial()
  .strict()
  .openapi('UpdateAsset');

export const CreateAssetPlaybackIdBody = z.object({ policy: PlaybackPolicy }).strict();

const ClipSettings = {
  playback_policies: z
    .array(PlaybackPolicy)
    .max(5)
    .optional()
    .openapi({ description: "A playback id per entry; default: one per policy of the parent's ids." }),
  passthrough: z.string().max(255).nullable().optional(),
  mp4_support: z
    .enum(['none', 'standard'])
    .optional()
    .openapi({ description: '`standard`: a media job makes an MP4 of the clip (its segments, remuxed).' }),
};

export const CreateAssetClipBody = z
  .object({
    start: z.number().min(0).max(MAX_SESSION_SECONDS).openapi({ description: 'Seconds into the asset.', example: 12 }),
    end: z.number().positive().max(MAX_SESSION_SECONDS).openapi({
      description: 'Seconds into the asset (past its end: to its end).',
      example: 42,
    }),
    frame_accurate: z.boolean().optional().openapi({
      description:
        'Cut at the exact times asked: a media job re-encodes only the first and last partial segments (the whole ones between stay shared). The clip plays segment-accurate until `frame_accurate.status` is `ready`; its MP4, if asked, is made after.',
    }),
    ...ClipSettings,
  })
  .strict()
  .openapi('CreateAssetClip', {
    description:
      'Segment-accurate unless `frame_accurate`: the clip starts with the segment holding `start` and ends with the one holding `end`.',
  });

export const CreateLiveClipBody = z
  .object({
    seconds_back: z
      .number()
      .int()
      .min(1)
      .max(MAX_SESSION_SECONDS)
      .openapi({ description: 'How far back from the live edge the clip starts.', example: 30 }),
    ...ClipSettings,
  })
  .strict()
  .openapi('CreateLiveClip');
