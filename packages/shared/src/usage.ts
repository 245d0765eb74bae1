/**
 * The usage meters (issue 15): what the API reports in `GET /v1/usage`, what plans limit and what
 * invoices price. Quantities are stored in the unit named here; the API answers in the same unit.
 */
export const METERS = {
  ingest_seconds: {
    unit: 'second',
    description: "A live session's connected time (its first rendition's segment seconds).",
  },
  encoded_seconds_sd: { unit: 'second', description: 'Seconds encoded into rungs up to 480p.' },
  encoded_seconds_hd: { unit: 'second', description: 'Seconds encoded into 720p and 1080p rungs.' },
  encoded_seconds_uhd: { unit: 'second', description: 'Seconds encoded into rungs above 1080p.' },
  delivered_seconds: { unit: 'second', description: 'Segment seconds served to viewers, cache hits included.' },
  delivered_bytes: { unit: 'byte', description: 'Segment bytes served to viewers, cache hits included.' },
  stored_byte_hours: { unit: 'byte_hour', description: 'R2 bytes held, sampled hourly, by stream.' },
  simulcast_seconds: { unit: 'second', description: 'Seconds pushed to simulcast targets while broadcasting.' },
  chat_messages: { unit: 'message', description: 'Chat messages accepted into rooms.' },
  api_requests: { unit: 'request', description: 'Requests to the REST API by API keys and console sessions.' },
} as const;

export type MeterName = keyof typeof METERS;

/**
 * What `stored_byte_hours` is split by (`group_by=kind`): a recorded session's segments and
 * playlists and its VOD tree (`recordings`), a live-only session's segments kept for its DVR
 * window (`segments`), thumbnails and frames (`images`), uploads and their transcodes (`uploads`),
 * clips' playlists (`clips`), MP4 downloads (`downloads`).
 */
export const STORAGE_KINDS = ['recordings', 'segments', 'images', 'uploads', 'clips', 'downloads'] as const;
export type StorageKind = (typeof STORAGE_KINDS)[number];
export const METER_NAMES = Object.keys(METERS) as MeterName[];
export const isMeterName = (s: string): s is MeterName => s in METERS;

/** How Mux and Cloudflare price encoding: by the height of what is produced. */
export function encodedMeterFor(height: number): MeterName {
  if (height <= 480) return 'encoded_seconds_sd';
  if (height <= 1080) return 'encoded_seconds_hd';
  return 'encoded_seconds_uhd';
}

export const GRANULARITIES = ['minute', 'hour', 'day'] as const;
export type Granularity = (typeof GRANULARITIES)[number];
export const GRANULARITY_MS: Record<Granularity, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

/** The start of the bucket holding `t` (UTC). */
export const bucketOf = (t: number, g: Granularity) => Math.floor(t / GRANULARITY_MS[g]) * GRANULARITY_MS[g];

/** The first instant of `t`'s calendar month (UTC): billing periods and monthly meters start here. */
export function monthStart(t: number): number {
  const d = new Date(t);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
}

/** The first instant of the next calendar month. */
export function nextMonthStart(t: number): number {
  const d = new Date(t);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
}
