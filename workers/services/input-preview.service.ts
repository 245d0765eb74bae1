import { PLAYLIST_TYPE, previewIndexKey, previewSegmentKey } from '../../core/media-keys';
import { checkGrant, SEGMENT_GRANT_S, signGrant } from '../lib/playback-grant';
import { grantUris } from '../lib/playlist-uris';

/**
 * Each connected input's preview rung (the lowest rung of its warm ladder), for the console's
 * per-camera player: the origin sends every finished segment of it here while the stream has
 * several inputs; we keep a short live window in R2 and render its playlist on request.
 *
 * The console gets a signed URL (a playlist grant, lib/playback-grant.ts, over `preview:<input>`
 * so it can never open a playback id), and the playlist hands short-lived segment grants down:
 * the same scheme as a signed stream's, so hls.js needs no cookie and no header.
 */

/** Segments kept per input: a few seconds behind live is all a director needs. */
export const PREVIEW_WINDOW = 5;
/** An index not written for this long is an input that left: no preview, rather than a frozen one. */
export const PREVIEW_STALE_MS = 20_000;
/** The console's preview URL lives this long; the page asks again when it reloads the inputs. */
export const PREVIEW_URL_S = 3600;

interface Entry {
  /** Our own sequence: the ladder's local numbers restart when an input reconnects. */
  n: number;
  d: number;
  /** The first segment of a new ladder run (the input reconnected): timestamps start over. */
  disc?: true;
}

interface PreviewIndex {
  entries: Entry[];
  /** The ladder's local sequence last stored, to see a new run. */
  local: number;
  updatedMs: number;
}

const grantId = (inputId: string) => `preview:${inputId}`;

async function readIndex(media: R2Bucket, inputId: string): Promise<PreviewIndex | null> {
  const obj = await media.get(previewIndexKey(inputId));
  return obj ? ((await obj.json()) as PreviewIndex) : null;
}

/** Stores one segment of an input's preview rung and slides the window. The origin sends them in order. */
export async function storePreviewSegment(
  media: R2Bucket,
  inputId: string,
  localSequence: number,
  durationS: number,
  bytes: ArrayBuffer,
): Promise<void> {
  const prev = await readIndex(media, inputId);
  const last = prev?.entries.at(-1);
  if (prev && last && localSequence === prev.local) return; // a retry of what we have
  const n = last ? last.n + 1 : 0;
  await media.put(previewSegmentKey(inputId, n), bytes, { httpMetadata: { contentType: 'video/mp2t' } });
  const entry: Entry = { n, d: durationS };
  if (prev && localSequence !== prev.local + 1) entry.disc = true;
  const all = [...(prev?.entries ?? []), entry];
  const dropped = all.slice(0, Math.max(0, all.length - PREVIEW_WINDOW));
  const index: PreviewIndex = { entries: all.slice(dropped.length), local: localSequence, updatedMs: Date.now() };
  await media.put(previewIndexKey(inputId), JSON.stringify(index), {
    httpMetadata: { contentType: 'application/json' },
  });
  if (dropped.length) await media.delete(dropped.map((e) => previewSegmentKey(inputId, e.n)));
}

/** The console's signed URL of an input's preview playlist. */
export async function previewUrl(secret: string, origin: string, inputId: string, nowS: number) {
  const exp = nowS + PREVIEW_URL_S;
  const g = await signGrant(secret, 'p', grantId(inputId), exp);
  return { url: `${origin}/previews/${inputId}.m3u8?g=${encodeURIComponent(g)}`, expires_at: exp };
}

/** True when the grant opens this input's preview at the given scope (a playlist grant opens segments too). */
export async function previewAdmits(secret: string, grant: string, inputId: string, scope: 'p' | 's', nowS: number) {
  const check = await checkGrant(secret, grant, grantId(inputId), nowS);
  return check.ok && (check.scope === 'p' || scope === 's');
}

/** The index of an input's preview while it is fresh; null while the input has none to play. */
async function freshIndex(media: R2Bucket, inputId: string, nowMs: number): Promise<PreviewIndex | null> {
  const index = await readIndex(media, inputId);
  return index?.entries.length && nowMs - index.updatedMs <= PREVIEW_STALE_MS ? index : null;
}

/**
 * Whether an input has a preview to play now. The origin sends one only while two or more inputs
 * are connected (a lone camera is the stream itself), so the console shows its still frame until then.
 */
export async function hasPreview(media: R2Bucket, inputId: string, nowMs: number): Promise<boolean> {
  return (await freshIndex(media, inputId, nowMs)) !== null;
}

/** The live media playlist of an input's preview, segment URIs granted; null while it has none. */
export async function previewPlaylist(media: R2Bucket, secret: string, inputId: string, nowMs: number) {
  const index = await freshIndex(media, inputId, nowMs);
  if (!index) return null;
  const target = Math.max(1, ...index.entries.map((e) => Math.ceil(e.d)));
  const lines = [
    '#EXTM3U',
    '#EXT-X-VERSION:3',
    `#EXT-X-TARGETDURATION:${target}`,
    `#EXT-X-MEDIA-SEQUENCE:${index.entries[0]!.n}`,
  ];
  for (const e of index.entries) {
    // The window's first segment needs no marker: a player joining starts there anyway.
    if (e.disc && e !== index.entries[0]) lines.push('#EXT-X-DISCONTINUITY');
    lines.push(`#EXTINF:${e.d.toFixed(3)},`, `${inputId}/${e.n}.ts`);
  }
  const g = await signGrant(secret, 's', grantId(inputId), Math.floor(nowMs / 1000) + SEGMENT_GRANT_S);
  return { text: grantUris(`${lines.join('\n')}\n`, g), type: PLAYLIST_TYPE };
}

export async function previewSegment(media: R2Bucket, inputId: string, n: number) {
  return media.get(previewSegmentKey(inputId, n));
}
