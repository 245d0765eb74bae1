import { defaultLadder, isRungName, type RenditionName, rungsAboveMax, sortLadder } from '@edgelive/shared/ladder';
import type { TranscodeJobSpec } from '@edgelive/shared/media-jobs';
import { eq } from 'drizzle-orm';
import { type AssetRow, loadAssetView, renderAsset } from '../../core/asset-views';
import type { Db } from '../../core/db/client';
import { apps, assetPlaybackIds, assets, type UploadAssetSettings, uploads } from '../../core/db/schema/index';
import type { Env } from '../../core/env';
import { deliverEvents, eventStatement, newEventRow } from '../../core/events';
import { newId } from '../../core/ids';
import { mediaJobsStub } from '../../core/stubs';
import { allowsPrivateTargets, isPrivateHost, isProduction, type UrlPolicyEnv } from '../../core/webhook-url';
import { ApiError } from '../lib/errors';

/**
 * Assets whose media is made by a transcode job (issue 14): a finished direct upload, or a URL
 * the media worker fetches. The asset exists `preparing` from the moment its input is whole;
 * the job's outcome (media-jobs.service.ts) makes it `ready` or `errored`.
 */

/** Segment length of transcoded assets: VOD players seek to segment boundaries, 4 s is Mux's size. */
export const VOD_SEGMENT_S = 4;

export const transcodeJobId = (assetId: string) => `job_tc${assetId.slice(assetId.indexOf('_') + 1)}`;

/** The ladder asked for, checked against the app's max_quality; the app's default when none is. */
export async function assetLadder(db: Db, appId: string, asked: RenditionName[] | undefined): Promise<string[]> {
  const app = await db.query.apps.findFirst({ where: eq(apps.id, appId) });
  const mq = app?.settings.max_quality;
  const max = isRungName(mq) ? mq : undefined;
  if (!asked) return defaultLadder(max);
  const over = rungsAboveMax(asked, max);
  if (over.length)
    throw new ApiError(
      400,
      'quality_above_app_maximum',
      `This app's max_quality is ${max}: ${over.join(', ')} above it.`,
      {
        max_quality: max,
        refused: over,
      },
    );
  return sortLadder(asked);
}

interface VodInput {
  appId: string;
  settings: UploadAssetSettings;
  uploadId?: string;
  inputUrl?: string;
}

/** The asset row, its playback ids and `asset.created` in one batch; then its transcode job. */
export async function createVodAsset(db: Db, env: Env, input: VodInput): Promise<AssetRow> {
  const now = Date.now();
  const id = newId('asset');
  const row: AssetRow = {
    id,
    appId: input.appId,
    streamId: null,
    sessionId: null,
    source: 'upload',
    parentAssetId: null,
    mediaAssetId: null,
    clipStartS: null,
    clipEndS: null,
    clipRanges: null,
    uploadId: input.uploadId ?? null,
    inputUrl: input.inputUrl ?? null,
    status: 'preparing',
    errorReason: null,
    durationS: null,
    resolution: null,
    renditions: [],
    passthrough: input.settings.passthrough,
    mp4Support: input.settings.mp4_support,
    mp4Status: null,
    mp4Rendition: null,
    mp4Bytes: null,
    mp4Error: null,
    trimStatus: null,
    trimError: null,
    metadata: {},
    readyAt: null,
    createdAt: now,
    updatedAt: now,
  };
  const pbs = [...new Set(input.settings.playback_policies)].map((policy) => ({
    id: newId('playbackId'),
    assetId: id,
    appId: input.appId,
    policy,
    createdAt: now,
  }));
  const data = renderAsset({ asset: row, playbackIds: pbs });
  const event = newEventRow(
    { appId: input.appId, type: 'asset.created', objectType: 'asset', objectId: id, data },
    now,
  );
  await db.batch([
    db.insert(assets).values(row),
    ...pbs.map((p) => db.insert(assetPlaybackIds).values(p)),
    ...(input.uploadId
      ? [
          db
            .update(uploads)
            .set({ status: 'asset_created', assetId: id, updatedAt: now })
            .where(eq(uploads.id, input.uploadId)),
        ]
      : []),
    eventStatement(db, event),
  ]);
  const spec: TranscodeJobSpec = {
    kind: 'transcode',
    asset_id: id,
    input: input.inputUrl ? { type: 'url', url: input.inputUrl } : { type: 'upload', file: 'source' },
    ladder: input.settings.ladder,
    segment_seconds: VOD_SEGMENT_S,
  };
  await mediaJobsStub(env).enqueue(transcodeJobId(id), spec);
  await deliverEvents(env, [event]);
  return row;
}

export async function renderVodAsset(db: Db, row: AssetRow) {
  return renderAsset(await loadAssetView(db, row));
}

const MAX_URL = 2000;

/**
 * Where a URL ingest may fetch from: public https only in production (the media worker would
 * otherwise fetch into networks that are not the customer's); local development and tests may
 * name files served on 127.0.0.1, under the same switch as webhooks (`WEBHOOK_ALLOW_PRIVATE`).
 */
export function checkIngestUrl(raw: string, env: UrlPolicyEnv): string {
  const refuse = (message: string) => new ApiError(400, 'invalid_input_url', message);
  if (raw.length > MAX_URL) throw refuse(`The URL is longer than ${MAX_URL} characters.`);
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw refuse('`input` is not a URL.');
  }
  if (u.username || u.password) throw refuse('The URL must not carry a user name or password.');
  const local = isPrivateHost(u.hostname);
  if (local && !allowsPrivateTargets(env))
    throw refuse(
      'The URL points to a loopback, private or link-local address, which is refused' +
        (isProduction(env) ? ' in production.' : '; set WEBHOOK_ALLOW_PRIVATE=true for local development.'),
    );
  if (u.protocol !== 'https:' && !(local && u.protocol === 'http:'))
    throw refuse('`input` must be an https:// URL (http:// only for local files outside production).');
  return u.href;
}
