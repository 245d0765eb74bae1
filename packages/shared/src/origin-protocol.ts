import { z } from 'zod';
import { RENDITION_NAMES, RUNGS } from './ladder.ts';

/**
 * The origin <-> Worker protocol (docs/origin-protocol.md), once: the agent builds and checks its
 * calls with these schemas, the Worker's `/internal/origin` routes validate with them, and the
 * stream object takes their output. A side that drifts fails at the boundary, loudly.
 * Imported by the agent on Node 22 as `@edgelive/shared/origin-protocol`, so it imports nothing
 * but zod and the ladder (relative imports carry their extension for Node's type stripping).
 */

export type { RenditionName, RungName } from './ladder.ts';
export { RENDITION_NAMES, RUNGS };

export const LATENCY_MODES = ['standard', 'low'] as const;
export type LatencyMode = (typeof LATENCY_MODES)[number];

/**
 * Ids the Worker hands the agent, which it uses as directory names: a prefix, an underscore and
 * base62 only (core/ids.ts), so nothing like `..` or `/` can reach a path.
 */
export const streamIdSchema = z.string().regex(/^str_[0-9A-Za-z]{8,40}$/, 'expected a str_ id');
export const sessionIdSchema = z.string().regex(/^lsn_[0-9A-Za-z]{8,40}$/, 'expected a lsn_ id');

// ---- agent -> Worker ----

export const publishBodySchema = z
  .object({ stream_key: z.string().min(1).max(200), client_ip: z.string().max(100).optional() })
  .strict();
export type PublishBody = z.infer<typeof publishBodySchema>;

export const inputReportSchema = z
  .object({
    video_codec: z.string().min(1).max(50),
    audio_codec: z.string().min(1).max(50).nullable(),
    width: z.number().int().min(1).max(16384),
    height: z.number().int().min(1).max(16384),
    frame_rate: z.number().positive().max(1000),
    bitrate_kbps: z.number().int().min(0).max(1_000_000),
    /**
     * The renditions the origin produces from this input (the ladder after it dropped rungs above
     * the input): the master playlist waits until each has a segment, so a player's first master
     * lists the whole ladder. Optional for origins from before it existed.
     */
    renditions: z.array(z.enum(RENDITION_NAMES)).min(1).max(RENDITION_NAMES.length).optional(),
  })
  .strict();
export type InputReport = z.infer<typeof inputReportSchema>;

export const renditionReportSchema = z
  .object({
    bandwidth: z.number().int().positive().max(1_000_000_000),
    average_bandwidth: z.number().int().positive().max(1_000_000_000).optional(),
    resolution: z.string().regex(/^\d{1,5}x\d{1,5}$/, 'expected WxH'),
    // Goes into a quoted playlist attribute: letters, digits, dots, commas and dashes only.
    codecs: z
      .string()
      .min(1)
      .max(200)
      .regex(/^[A-Za-z0-9.,\- ]+$/, 'expected codec strings like avc1.64001f,mp4a.40.2'),
    frame_rate: z.number().positive().max(1000),
  })
  .strict();
export type RenditionReport = z.infer<typeof renditionReportSchema>;

/** The path of a segment upload: `.../renditions/{name}/segments/{sequence}`. */
export const segmentParamsSchema = z.object({
  name: z.enum(RENDITION_NAMES),
  sequence: z
    .string()
    .regex(/^\d{1,9}$/, 'The sequence must be a non-negative integer.')
    .transform(Number),
});

/** The query of a segment upload, as the agent writes it (URLSearchParams). */
export const segmentQuerySchema = z.object({
  duration: z.coerce
    .number()
    .refine((d) => Number.isFinite(d) && d > 0 && d <= 60, 'The segment length in seconds (0 < d <= 60).'),
  pdt: z
    .string()
    .refine((s) => Number.isFinite(Date.parse(s)), 'An ISO 8601 time.')
    .optional(),
  discontinuity: z.enum(['0', '1', 'true', 'false']).optional(),
});
/** The query as the agent writes it (every value a string in a URL). */
export interface SegmentQuery {
  duration: string;
  pdt?: string;
  discontinuity?: '0' | '1' | 'true' | 'false';
}

/** An LL-HLS part of a segment being written (`low` mode): `.../segments/{sequence}/parts/{part}`. */
export const partParamsSchema = segmentParamsSchema.extend({
  part: z
    .string()
    .regex(/^\d{1,3}$/, 'The part index must be a non-negative integer.')
    .transform(Number),
});
export const partQuerySchema = z.object({
  duration: z.coerce
    .number()
    .refine((d) => Number.isFinite(d) && d > 0 && d <= 10, 'The part length in seconds (0 < d <= 10).'),
  independent: z.enum(['0', '1']).optional(),
  /** On a segment's first part: its segment follows a discontinuity (a cut between inputs, a restart). */
  discontinuity: z.enum(['0', '1']).optional(),
});
export interface PartQuery {
  duration: string;
  independent?: '0' | '1';
  discontinuity?: '0' | '1';
}

// ---- Worker -> agent ----

export const ladderEntrySchema = z.object({
  name: z.enum(RENDITION_NAMES),
  width: z.number().int().positive().optional(),
  height: z.number().int().positive().optional(),
  video_bitrate_kbps: z.number().int().positive().optional(),
});
export type LadderEntry = z.infer<typeof ladderEntrySchema>;

export const publishAnswerSchema = z.object({
  stream_id: streamIdSchema,
  session_id: sessionIdSchema,
  resumed: z.boolean(),
  latency_mode: z.enum(LATENCY_MODES),
  segment_duration_s: z.number().positive().max(10),
  ladder: z.array(ladderEntrySchema).min(1),
  recording: z.boolean(),
  reconnect_window_s: z.number().min(0),
  /** Optional (see the doc): where a resumed session's numbering continues. */
  next_sequence: z.number().int().min(0).optional(),
  /** Which of the stream's inputs this publisher is (packages/shared/src/stream-inputs.ts). */
  input_id: z
    .string()
    .regex(/^inp_[0-9A-Za-z]{8,40}$/)
    .optional(),
  /** The stream is already live on this origin from another input: this one joins its session. */
  joined: z.boolean().optional(),
  /** The input on air now. */
  program_input_id: z
    .string()
    .regex(/^inp_[0-9A-Za-z]{8,40}$/)
    .optional(),
  /** AES-128 key of the session (new per session, kept on a resume); null or absent: clear segments. */
  encryption: z
    .object({ method: z.literal('AES-128'), key_hex: z.string().regex(/^[0-9a-f]{32}$/) })
    .nullable()
    .optional(),
});
export type PublishAnswer = z.infer<typeof publishAnswerSchema>;

export const streamStatusSchema = z.object({
  status: z.string(),
  disabled: z.boolean(),
});
export type StreamStatus = z.infer<typeof streamStatusSchema>;

export const errorBodySchema = z.object({
  error: z.object({ code: z.string(), message: z.string().optional() }),
});

/** Codes on a 409 that mean "stop this pipeline and drop the publisher". */
export const STOP_CODES = ['stream_disabled', 'session_ended'] as const;
export const stopCodes: ReadonlySet<string> = new Set(STOP_CODES);

/** The ladder as the publish answer carries it: each rung with its size and bitrate. */
export const ladderForOrigin = (ladder: readonly (typeof RENDITION_NAMES)[number][]): LadderEntry[] =>
  ladder.map((name) => (name === 'source' ? { name } : { name, ...RUNGS[name] }));

// ---- authentication ----

/**
 * Every call is signed: `Authorization: EdgeliveOrigin id=<origin_id>,ts=<unix seconds>,sig=<sig>`,
 * sig = base64url (no padding) HMAC-SHA256 keyed by the origin secret over the string below.
 * Bodies are not signed: segments are large and the path names everything that matters.
 * WebCrypto, so the same code signs on Node 22 and verifies in workerd.
 */
export const ORIGIN_SCHEME = 'EdgeliveOrigin';
export const MAX_SKEW_S = 300;

export const signedString = (ts: number, method: string, pathWithQuery: string) =>
  `${ts}\n${method.toUpperCase()}\n${pathWithQuery}`;

const enc = new TextEncoder();

function base64Url(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export async function originSignature(secret: string, ts: number, method: string, pathWithQuery: string) {
  const key = await crypto.subtle.importKey('raw', enc.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
  ]);
  const sig = await crypto.subtle.sign('HMAC', key, enc.encode(signedString(ts, method, pathWithQuery)));
  return base64Url(new Uint8Array(sig));
}

export async function originAuthorization(
  originId: string,
  secret: string,
  method: string,
  pathWithQuery: string,
  ts = Math.floor(Date.now() / 1000),
) {
  return `${ORIGIN_SCHEME} id=${originId},ts=${ts},sig=${await originSignature(secret, ts, method, pathWithQuery)}`;
}

export interface OriginCredentials {
  id: string;
  ts: number;
  sig: string;
}

export function parseOriginAuthorization(header: string | undefined): OriginCredentials | null {
  const m = /^EdgeliveOrigin\s+(.+)$/i.exec(header?.trim() ?? '');
  if (!m) return null;
  const fields = new Map<string, string>();
  for (const part of m[1]!.split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const id = fields.get('id');
  const ts = fields.get('ts');
  const sig = fields.get('sig');
  if (!id || !ts || !sig || !/^\d{1,12}$/.test(ts)) return null;
  return { id, ts: Number(ts), sig };
}
