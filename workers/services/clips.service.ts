import { MAX_SESSION_SECONDS } from '@edgelive/shared/live-timing';
import { renderMasterPlaylist } from '@edgelive/shared/playlist';
import {
  type Cut,
  cutMediaPlaylist,
  type MasterEntry,
  parseMasterPlaylist,
  playlistDuration,
  renderClipMaster,
} from '@edgelive/shared/playlist-clip';
import { eq } from 'drizzle-orm';
import { requestMp4 } from '../../core/asset-downloads';
import { clipPrefix } from '../../core/asset-tree';
import { type AssetRow, type AssetView, loadAssetView, renderAsset } from '../../core/asset-views';
import type { Db } from '../../core/db/client';
import { assetPlaybackIds, assets, type streams } from '../../core/db/schema/index';
import type { Env } from '../../core/env';
import { deliverEvents, eventStatement, newEventRow } from '../../core/events';
import { newId } from '../../core/ids';
import { PLAYLIST_TYPE, recordingKey, recordingMasterKey, vodKey } from '../../core/media-keys';
import { streamStub } from '../../core/stubs';
import type { LiveTail } from '../../durable-objects/stream/contract';
import { ApiError } from '../lib/errors';
import { planClipTrim, requestTrim } from './clip-trim.service';

/**
 * Instant clips (issue 14): a clip is an asset whose playlists are cut, on segment boundaries,
 * out of its parent's (packages/shared/src/playlist-clip.ts) and written under `clips/{clip}/`;
 * its segments stay the parent media's, so it is `ready` (and plays) the moment it is made.
 * The parent may be a recording (ended, or still live), an upload or another clip; a live
 * stream's clip is cut from the last seconds of its live session.
 */

export interface ClipSettings {
  playback_policies?: ('public' | 'signed')[];
  passthrough?: string | null;
  mp4_support?: 'none' | 'standard';
}

type StreamRow = typeof streams.$inferSelect;

/** Where a parent's playlists are read from: its master's variants and one media playlist per rendition. */
interface Source {
  entries: MasterEntry[];
  playlist(rendition: string): Promise<string | null>;
}

const notReady = (a: AssetRow) =>
  new ApiError(412, 'asset_not_ready', `The asset is ${a.status}; it cannot be clipped yet.`);

async function r2Text(env: Env, key: string) {
  const obj = await env.MEDIA.get(key);
  return obj ? obj.text() : null;
}

function r2Source(env: Env, master: string, keyOf: (r: string) => string): Source {
  return { entries: parseMasterPlaylist(master), playlist: (r) => r2Text(env, keyOf(r)) };
}

function tailSource(tail: LiveTail): Source {
  const master = renderMasterPlaylist(tail.variants.map((v) => ({ ...v, uri: `${v.rendition}.m3u8` })));
  return { entries: parseMasterPlaylist(master), playlist: async (r) => tail.playlists[r] ?? null };
}

/** The parent's playlists as they stand now (a recording still live reads its session so far). */
async function sourceOf(env: Env, parent: AssetRow): Promise<Source> {
  if (parent.status === 'errored') throw notReady(parent);
  if (parent.source === 'live_session' && parent.streamId && parent.sessionId) {
    const { streamId, sessionId } = parent;
    if (parent.status === 'preparing') {
      const tail = await streamStub(env, streamId).liveTail(MAX_SESSION_SECONDS);
      if (!tail || tail.sessionId !== sessionId) throw notReady(parent);
      return tailSource(tail);
    }
    const master = await r2Text(env, recordingMasterKey(streamId, sessionId));
    if (master === null) throw notReady(parent);
    return r2Source(env, master, (r) => recordingKey(streamId, sessionId, r));
  }
  if (parent.status !== 'ready') throw notReady(parent);
  // Its re-encoded ends live under its own prefix and name no sequence, so a cut could not share them.
  if (parent.source === 'clip' && parent.trimStatus === 'ready')
    throw new ApiError(
      409,
      'frame_accurate_parent',
      'A frame-accurate clip cannot be clipped again; clip the asset it was cut from.',
    );
  const prefix = parent.source === 'clip' ? clipPrefix(parent.id) : vodKey(parent.id, '');
  const master = await r2Text(env, `${prefix}master.m3u8`);
  if (master === null) throw notReady(parent);
  return r2Source(env, master, (r) => `${prefix}${r}.m3u8`);
}

/** Each rendition's cut of [start, end) seconds; the renditions with none are left out. */
async function cutAll(src: Source, range: (text: string) => [number, number]) {
  const cuts: { entry: MasterEntry; cut: Cut }[] = [];
  for (const entry of src.entries) {
    const text = await src.playlist(entry.rendition);
    if (text === null) continue;
    const cut = cutMediaPlaylist(text, ...range(text));
    if (cut) cuts.push({ entry, cut });
  }
  if (!cuts.length)
    throw new ApiError(400, 'invalid_range', 'No part of the asset falls in this range.', {
      fields: [{ path: 'start', message: 'at or past the end of the asset' }],
    });
  return cuts;
}

async function policiesOf(db: Db, parent: AssetRow, asked: ClipSettings['playback_policies']) {
  if (asked) return [...new Set(asked)];
  const pbs = await db
    .select({ policy: assetPlaybackIds.policy })
    .from(assetPlaybackIds)
    .where(eq(assetPlaybackIds.assetId, parent.id));
  return [...new Set(pbs.map((p) => p.policy))];
}

/** The clip's playlists into R2 first, then its row, playback ids and events in one batch. */
async function makeClip(
  db: Db,
  env: Env,
  parent: AssetRow,
  cuts: { entry: MasterEntry; cut: Cut }[],
  settings: ClipSettings,
  offsetS = 0,
  exact?: { start: number; end: number },
): Promise<AssetView> {
  const id = newId('asset');
  const prefix = clipPrefix(id);
  const trim = exact
    ? planClipTrim(
        id,
        cuts.map((c) => ({ rendition: c.entry.rendition, cut: c.cut })),
        exact.start,
        exact.end,
      )
    : null;
  // A clip being trimmed makes its MP4 once it is exact (clip-trim.service.ts asks for it).
  const mp4Later = trim !== null && settings.mp4_support === 'standard';
  await Promise.all([
    env.MEDIA.put(`${prefix}master.m3u8`, renderClipMaster(cuts.map((c) => c.entry)), {
      httpMetadata: { contentType: PLAYLIST_TYPE },
    }),
    ...cuts.map(({ entry, cut }) =>
      env.MEDIA.put(`${prefix}${entry.rendition}.m3u8`, cut.text, { httpMetadata: { contentType: PLAYLIST_TYPE } }),
    ),
  ]);
  const first = cuts[0]!.cut;
  const now = Date.now();
  const row: AssetRow = {
    id,
    appId: parent.appId,
    streamId: parent.streamId,
    sessionId: null,
    source: 'clip',
    parentAssetId: parent.id,
    mediaAssetId: parent.source === 'clip' ? parent.mediaAssetId : parent.id,
    clipStartS: Math.round((offsetS + first.start) * 1000) / 1000,
    clipEndS: Math.round((offsetS + first.end) * 1000) / 1000,
    clipRanges: Object.fromEntries(
      cuts.map(({ entry, cut }) => [entry.rendition, [cut.firstSequence, cut.lastSequence]]),
    ),
    uploadId: null,
    inputUrl: null,
    status: 'ready',
    errorReason: null,
    durationS: first.duration,
    resolution: parent.resolution,
    renditions: cuts.map((c) => c.entry.rendition),
    passthrough: settings.passthrough ?? null,
    mp4Support: mp4Later ? 'standard' : 'none',
    mp4Status: null,
    mp4Rendition: null,
    mp4Bytes: null,
    mp4Error: null,
    trimStatus: trim ? 'preparing' : null,
    trimError: null,
    metadata: {},
    readyAt: now,
    createdAt: now,
    updatedAt: now,
  };
  const pbs = (await policiesOf(db, parent, settings.playback_policies)).map((policy, i) => ({
    id: newId('playbackId'),
    assetId: id,
    appId: parent.appId,
    policy,
    createdAt: now + i,
  }));
  const view: AssetView = { asset: row, playbackIds: [...pbs].reverse() };
  const data = renderAsset(view);
  const events = (['asset.created', 'asset.ready'] as const).map((type, i) =>
    newEventRow({ appId: row.appId, type, objectType: 'asset', objectId: id, data }, now + i),
  );
  await db.batch([
    db.insert(assets).values(row),
    ...pbs.map((p) => db.insert(assetPlaybackIds).values(p)),
    ...events.map((e) => eventStatement(db, e)),
  ]);
  await deliverEvents(env, events);
  if (trim) await requestTrim(env, trim);
  if (settings.mp4_support !== 'standard' || mp4Later) return view;
  await requestMp4(env, row);
  return loadAssetView(db, (await db.query.assets.findFirst({ where: eq(assets.id, id) }))!);
}

/** `POST /v1/assets/{id}/clips {start, end}`: seconds of the parent's own timeline. */
export async function clipAsset(
  db: Db,
  env: Env,
  parent: AssetRow,
  body: ClipSettings & { start: number; end: number; frame_accurate?: boolean },
): Promise<AssetView> {
  if (body.end <= body.start)
    throw new ApiError(400, 'invalid_range', '`end` must be after `start`.', {
      fields: [{ path: 'end', message: 'must be greater than start' }],
    });
  const cuts = await cutAll(await sourceOf(env, parent), () => [body.start, body.end]);
  const exact = body.frame_accurate ? { start: body.start, end: body.end } : undefined;
  return makeClip(db, env, parent, cuts, body, 0, exact);
}

/**
 * `POST /v1/streams/{id}/clips {seconds_back}`: the last seconds of the live session, as a clip of
 * the session's asset. Only a recorded stream keeps its live segments past the session, so a
 * stream that does not record cannot be clipped.
 */
export async function clipLive(
  db: Db,
  env: Env,
  stream: StreamRow,
  body: ClipSettings & { seconds_back: number },
): Promise<AssetView> {
  const tail = await streamStub(env, stream.id).liveTail(body.seconds_back);
  if (!tail) throw new ApiError(412, 'stream_not_active', 'The stream is not live right now.');
  const parent = await db.query.assets.findFirst({ where: eq(assets.sessionId, tail.sessionId) });
  if (!parent)
    throw new ApiError(
      409,
      'recording_off',
      'Live clips need `recording: true`: only recorded sessions keep their segments.',
    );
  const cuts = await cutAll(tailSource(tail), (text) => {
    const total = playlistDuration(text);
    return [Math.max(0, total - body.seconds_back), total];
  });
  return makeClip(db, env, parent, cuts, body, tail.startS);
}
