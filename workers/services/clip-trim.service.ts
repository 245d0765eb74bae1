import type { TrimJobSpec, TrimResult } from '@edgelive/shared/media-jobs';
import { type Cut, playlistDuration } from '@edgelive/shared/playlist-clip';
import { applyTrim, planTrim, type TrimPart, trimPartUri } from '@edgelive/shared/playlist-trim';
import { eq } from 'drizzle-orm';
import { requestMp4 } from '../../core/asset-downloads';
import { clipPrefix } from '../../core/asset-tree';
import { type AssetRow, loadAssetView, renderAsset } from '../../core/asset-views';
import type { Db } from '../../core/db/client';
import { assets } from '../../core/db/schema/index';
import type { Env } from '../../core/env';
import { emitEvent } from '../../core/events';
import { PLAYLIST_TYPE } from '../../core/media-keys';
import { mediaJobsStub } from '../../core/stubs';

/**
 * Frame-accurate clips (issue 14). A clip is made segment-accurate at once (clips.service.ts);
 * asked `frame_accurate`, it also gets a trim job: the agent re-encodes its first and last
 * partial segments (origin/src/media-jobs/trim-job.ts) and, when the job completes, the clip's
 * playlists swap those two for the re-encoded parts (packages/shared/src/playlist-trim.ts).
 * The whole segments between stay the parent's. The Worker alone cannot do it: Workers have no
 * FFmpeg, so this is media-job work, as the design puts it.
 */

/** One job per clip: derived from its id, so a retried request queues it once. */
export const trimJobId = (assetId: string) => `job_trm${assetId.slice(assetId.indexOf('_') + 1)}`;

/**
 * The trim job of a new clip cut out of [start, end) seconds of its parent, or null when the cut
 * already falls on those times (the clip is exact as it is).
 */
export function planClipTrim(
  clipId: string,
  cuts: readonly { rendition: string; cut: Cut }[],
  start: number,
  end: number,
): TrimJobSpec | null {
  const parts = cuts.flatMap(({ rendition, cut }) => planTrim(cut.text, rendition, start - cut.start, end - cut.start));
  if (!parts.length) return null;
  const first = cuts[0]!.cut;
  return {
    kind: 'trim',
    asset_id: clipId,
    start_s: Math.max(start, first.start),
    end_s: Math.min(end, first.end),
    parts,
  };
}

export async function requestTrim(env: Env, spec: TrimJobSpec): Promise<void> {
  await mediaJobsStub(env).enqueue(trimJobId(spec.asset_id), spec);
}

const partsOf = (spec: TrimJobSpec, rendition: string): TrimPart[] =>
  spec.parts.filter((p) => p.rendition === rendition);

async function changed(db: Db, env: Env, id: string, set: Partial<AssetRow>, type: 'ready' | 'errored') {
  const [row] = await db
    .update(assets)
    .set({ ...set, updatedAt: Date.now() })
    .where(eq(assets.id, id))
    .returning();
  const data = renderAsset(await loadAssetView(db, row!));
  await emitEvent(env, {
    appId: row!.appId,
    type: `asset.frame_accurate.${type}`,
    objectType: 'asset',
    objectId: id,
    data,
  });
  return row!;
}

/**
 * The job completed: every planned part is in R2 (else the clip stays segment-accurate, errored),
 * each rendition's playlist names them with the durations the agent measured, and the clip's
 * range and duration become the ones asked. Idempotent: the agent retries `complete`.
 */
export async function trimDone(db: Db, env: Env, clip: AssetRow, spec: TrimJobSpec, result: TrimResult) {
  if (clip.trimStatus !== 'preparing') return;
  const prefix = clipPrefix(clip.id);
  for (const p of spec.parts) {
    const made = result.parts.some((m) => m.rendition === p.rendition && m.part === p.part);
    if (!made || !(await env.MEDIA.head(`${prefix}${trimPartUri(p.rendition, p.part)}`)))
      return trimFailed(db, env, clip, `no_output: ${p.rendition} ${p.part} was not uploaded`);
  }
  let duration: number | null = null;
  for (const rendition of clip.renditions) {
    const key = `${prefix}${rendition}.m3u8`;
    const text = await (await env.MEDIA.get(key))?.text();
    if (text === undefined) continue;
    const trimmed = applyTrim(text, partsOf(spec, rendition), result.parts);
    await env.MEDIA.put(key, trimmed, { httpMetadata: { contentType: PLAYLIST_TYPE } });
    duration ??= Math.round(playlistDuration(trimmed) * 1000) / 1000;
  }
  const row = await changed(
    db,
    env,
    clip.id,
    { trimStatus: 'ready', trimError: null, clipStartS: spec.start_s, clipEndS: spec.end_s, durationS: duration },
    'ready',
  );
  if (row.mp4Support === 'standard') await requestMp4(env, row);
}

/** The clip keeps playing segment-accurate; any part already uploaded goes. Its MP4, if asked, is made of that. */
export async function trimFailed(db: Db, env: Env, clip: AssetRow, reason: string) {
  if (clip.trimStatus !== 'preparing') return;
  const prefix = clipPrefix(clip.id);
  const keys = clip.renditions.flatMap((r) => (['head', 'tail'] as const).map((p) => `${prefix}${trimPartUri(r, p)}`));
  await env.MEDIA.delete(keys);
  const row = await changed(db, env, clip.id, { trimStatus: 'errored', trimError: reason }, 'errored');
  if (row.mp4Support === 'standard') await requestMp4(env, row);
}
