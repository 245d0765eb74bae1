import { z } from '@hono/zod-openapi';
import { StreamIngest } from './streams.schema';

/** Request and response shapes of `/v1/streams/{id}/inputs`, `/program` and `/switch` (several cameras). */

export const CreateInputBody = z
  .object({ name: z.string().trim().min(1).max(100).openapi({ example: 'Camera 2' }) })
  .strict()
  .openapi('CreateStreamInput');

export const StreamInput = z
  .object({
    id: z.string().openapi({ example: 'inp_123' }),
    stream_id: z.string(),
    name: z.string(),
    primary: z.boolean().openapi({ description: "The stream's own key: its first input, made with the stream." }),
    stream_key: z.string().nullable().openapi({
      description:
        'Publish to `ingest.rtmp` or `ingest.rtmps` with this key, to `ingest.srt` with `?streamid=<key>`, or to `ingest.whip` with the key as Bearer token.',
    }),
    ingest: StreamIngest.nullable().openapi({
      description:
        "The stream's origin (every input of a live session publishes to the same one); null while none is up.",
    }),
    on_air: z
      .boolean()
      .openapi({ description: 'This input is the program (what viewers, the recording and simulcast get).' }),
    status: z.enum(['connected', 'disconnected']),
    connected_at: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi('StreamInput');

export const Program = z
  .object({
    stream_id: z.string(),
    on_air_input_id: z.string(),
    auto_failover: z.boolean().openapi({
      description: 'When the on-air input drops, cut to the next connected input after `failover_after_s`.',
    }),
    failover_after_s: z.number().int(),
    switched_at: z.string().nullable(),
  })
  .openapi('StreamProgram');

export const UpdateProgramBody = z
  .object({
    auto_failover: z.boolean().optional(),
    failover_after_s: z.number().int().min(1).max(60).optional(),
  })
  .strict()
  .openapi('UpdateStreamProgram');

export const SwitchBody = z
  .object({ input_id: z.string().min(1).max(64).openapi({ example: 'inp_123' }) })
  .strict()
  .openapi('SwitchStreamInput');

export const InputPreview = z
  .object({
    url: z.string().openapi({
      description:
        "HLS of the input's lowest rung while it publishes (404 until its first segment), signed: the URL is the credential.",
    }),
    expires_at: z.number().int().openapi({ description: 'Unix seconds; ask again for a fresh URL after it.' }),
  })
  .openapi('StreamInputPreview');
