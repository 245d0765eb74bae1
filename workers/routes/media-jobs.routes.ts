import { isRenditionName } from '@edgelive/shared/ladder';
import {
  completeBodySchema,
  failBodySchema,
  type LeaseAnswer,
  progressBodySchema,
  TRANSCODE_OUTPUT_FILE,
  TRIM_OUTPUT_FILE,
  trimResultSchema,
} from '@edgelive/shared/media-jobs';
import { trimPartUri } from '@edgelive/shared/playlist-trim';
import { Hono } from 'hono';
import type { z } from 'zod';
import { type AssetTree, assetTree, clipPrefix, treeSegmentKey } from '../../core/asset-tree';
import { createDb } from '../../core/db/client';
import { isIdOf } from '../../core/ids';
import { mp4Key, recordingKey, segmentKey, uploadSourceKey, vodKey } from '../../core/media-keys';
import { mediaJobsStub, streamStub } from '../../core/stubs';
import { JOB_REFUSALS } from '../../durable-objects/media-jobs/contract';
import { ApiError, badRequest, notFound } from '../lib/errors';
import { orThrow } from '../lib/rpc-errors';
import { sessionMediaKey } from '../lib/session-key';
import { type OriginEnv, originAuth } from '../middleware/origin-auth';
import { trimDone } from '../services/clip-trim.service';
import { jobAsset, jobFailed, mp4Done } from '../services/media-jobs.service';
import { transcodeDone } from '../services/transcode-jobs.service';
import { mediaJobMultipartRoutes } from './media-jobs-multipart.routes';

/**
 * The media-job endpoints for origins and media workers (packages/shared/src/media-jobs.ts has
 * the protocol). Authenticated like every origin call; a job's input and output are reachable
 * only under a lease that still holds it, so a worker whose lease lapsed cannot write over the
 * next worker's output.
 */

/** One PUT's ceiling here; Cloudflare caps a request body at 100 MB, so the agent sends larger MP4s in parts (media-jobs-multipart.routes.ts). */
const MAX_OUTPUT = 2 * 1024 * 1024 * 1024;

async function body<S extends z.ZodTypeAny>(req: Request, schema: S): Promise<z.infer<S>> {
  let json: unknown;
  try {
    json = await req.json();
  } catch {
    throw badRequest('The body must be JSON.');
  }
  const r = schema.safeParse(json);
  if (!r.success) throw badRequest('The request did not match the schema.', { issues: r.error.issues });
  return r.data;
}

function jobId(id: string) {
  if (!isIdOf('mediaJob', id)) throw notFound('media job');
  return id;
}

export const mediaJobRoutes = new Hono<OriginEnv>()
  .use('*', originAuth)
  .route('/', mediaJobMultipartRoutes)
  .post('/lease', async (c) => {
    const queue = mediaJobsStub(c.env);
    // Jobs whose workers all died: their assets hear it before anyone leases again.
    const db = createDb(c.env.DB);
    for (const j of await queue.exhausted()) await jobFailed(db, c.env, j.spec, 'worker_lost: every attempt lapsed');
    const lease = await queue.lease(c.get('originId'));
    if (!lease) return c.body(null, 204);
    const answer: LeaseAnswer = { job: lease.job, lease_id: lease.leaseId };
    return c.json(answer, 200);
  })
  .post('/:id/progress', async (c) => {
    const b = await body(c.req.raw, progressBodySchema);
    orThrow(await mediaJobsStub(c.env).progress(jobId(c.req.param('id')), b.lease_id, b.progress), JOB_REFUSALS);
    return c.body(null, 204);
  })
  .get('/:id/input/*', async (c) => {
    const id = jobId(c.req.param('id'));
    const { spec } = orThrow(await mediaJobsStub(c.env).check(id, c.req.query('lease_id') ?? ''), JOB_REFUSALS);
    const asset = await jobAsset(createDb(c.env.DB), spec.asset_id);
    const rest = new URL(c.req.url).pathname.split('/input/')[1] ?? '';
    if (spec.kind === 'transcode') {
      if (rest !== 'source' || !asset.uploadId) throw notFound('input');
      const obj = await c.env.MEDIA.get(uploadSourceKey(asset.uploadId));
      if (!obj) throw notFound('input');
      return new Response(obj.body, {
        headers: { 'content-type': 'application/octet-stream', 'content-length': String(obj.size) },
      });
    }
    // An asset with its own HLS tree (an upload, a clip): the same relative names, mapped by its tree.
    if (!asset.streamId || !asset.sessionId) {
      const tree = await assetTree(createDb(c.env.DB), asset);
      if (!tree) throw notFound('input');
      if (rest === 'aes.key' && tree.session) return sessionKey(c.env, tree.session.streamId, tree.session.sessionId);
      // A trim reads its clip's playlists and only the segments it re-encodes; an MP4, one rendition's tree.
      const allowed =
        spec.kind === 'trim'
          ? (f: string) => spec.parts.some((p) => f === `${p.rendition}.m3u8` || f === p.segment)
          : (f: string) => f === `${spec.input.rendition}.m3u8` || f.startsWith(`${spec.input.rendition}/`);
      const file = spec.kind === 'mp4' && rest === 'playlist.m3u8' ? `${spec.input.rendition}.m3u8` : rest;
      if (!allowed(file)) throw notFound('input');
      return treeInput(c.env.MEDIA, tree, file);
    }
    if (spec.kind === 'trim') throw notFound('input');
    const rendition = spec.input.rendition;
    if (rest === 'playlist.m3u8') {
      const obj = await c.env.MEDIA.get(recordingKey(asset.streamId, asset.sessionId, rendition));
      if (!obj) throw notFound('input');
      return c.body(await obj.text(), 200, { 'content-type': 'application/vnd.apple.mpegurl' });
    }
    if (rest === 'aes.key') return sessionKey(c.env, asset.streamId, asset.sessionId);
    const m = /^([a-z0-9]+)\/(\d{1,9})\.ts$/.exec(rest);
    if (!m || m[1] !== rendition || !isRenditionName(m[1])) throw notFound('input');
    const obj = await c.env.MEDIA.get(segmentKey(asset.streamId, asset.sessionId, rendition, Number(m[2])));
    if (!obj) throw notFound('input');
    return new Response(obj.body, { headers: { 'content-type': 'video/mp2t', 'content-length': String(obj.size) } });
  })
  .put('/:id/output', async (c) => {
    const id = jobId(c.req.param('id'));
    const { spec } = orThrow(await mediaJobsStub(c.env).check(id, c.req.query('lease_id') ?? ''), JOB_REFUSALS);
    if (spec.kind !== 'mp4') throw notFound('output');
    return putOutput(c.req.raw, c.env.MEDIA, mp4Key(spec.asset_id), 'video/mp4');
  })
  .put('/:id/output/*', async (c) => {
    const id = jobId(c.req.param('id'));
    const { spec } = orThrow(await mediaJobsStub(c.env).check(id, c.req.query('lease_id') ?? ''), JOB_REFUSALS);
    const file = new URL(c.req.url).pathname.split('/output/')[1] ?? '';
    if (spec.kind === 'trim') {
      // Only the parts its plan names, under the clip's own prefix.
      const planned = spec.parts.some((p) => trimPartUri(p.rendition, p.part) === file);
      if (!TRIM_OUTPUT_FILE.test(file) || !planned) throw notFound('output');
      return putOutput(c.req.raw, c.env.MEDIA, `${clipPrefix(spec.asset_id)}${file}`, 'video/mp2t');
    }
    if (spec.kind !== 'transcode' || !TRANSCODE_OUTPUT_FILE.test(file)) throw notFound('output');
    const type = file.endsWith('.ts') ? 'video/mp2t' : 'application/vnd.apple.mpegurl';
    return putOutput(c.req.raw, c.env.MEDIA, vodKey(spec.asset_id, file), type);
  })
  .post('/:id/complete', async (c) => {
    const b = await body(c.req.raw, completeBodySchema);
    const { spec } = orThrow(await mediaJobsStub(c.env).complete(jobId(c.req.param('id')), b.lease_id), JOB_REFUSALS);
    const db = createDb(c.env.DB);
    const asset = await jobAsset(db, spec.asset_id);
    if (spec.kind === 'mp4') await mp4Done(db, c.env, asset);
    else if (spec.kind === 'trim') {
      const made = trimResultSchema.safeParse(b.result);
      if (!made.success) throw badRequest('A trim completes with the parts it made.');
      await trimDone(db, c.env, asset, spec, made.data);
    } else if (b.result && 'renditions' in b.result) await transcodeDone(db, c.env, asset, b.result);
    else throw badRequest('A transcode completes with its result.');
    return c.body(null, 204);
  })
  .post('/:id/fail', async (c) => {
    const b = await body(c.req.raw, failBodySchema);
    const r = orThrow(
      await mediaJobsStub(c.env).fail(jobId(c.req.param('id')), b.lease_id, b.reason, b.retryable),
      JOB_REFUSALS,
    );
    if (r.final) await jobFailed(createDb(c.env.DB), c.env, r.spec, b.reason);
    return c.json({ retried: !r.final }, 200);
  });

/** One file of an asset's own tree: a playlist under its prefix, or a segment (or clip part) it names. */
async function treeInput(bucket: R2Bucket, tree: AssetTree, file: string) {
  const seg = /^([a-z0-9]+)\/([^/]+)$/.exec(file);
  const key = seg
    ? treeSegmentKey(tree, seg[1]!, seg[2]!)
    : /^[a-z0-9]{2,8}\.m3u8$/.test(file)
      ? `${tree.prefix}${file}`
      : null;
  const obj = key ? await bucket.get(key) : null;
  if (!obj) throw notFound('input');
  return new Response(obj.body, { headers: { 'content-length': String(obj.size) } });
}

/** A recorded session's AES-128 key, when its segments are encrypted. */
async function sessionKey(env: OriginEnv['Bindings'], streamId: string, sessionId: string) {
  if (!(await streamStub(env, streamId).sessionEncryption(sessionId))) throw notFound('key');
  const key = await sessionMediaKey(env.MEDIA_KEY_SECRET, streamId, sessionId);
  return new Response(key, { headers: { 'content-type': 'application/octet-stream' } });
}

/** Streamed into R2: a FixedLengthStream tells R2 the size up front, so nothing is buffered here. */
async function putOutput(req: Request, bucket: R2Bucket, key: string, contentType: string) {
  const length = Number(req.headers.get('content-length') ?? Number.NaN);
  if (!Number.isInteger(length) || length <= 0) throw new ApiError(411, 'length_required', 'Send Content-Length.');
  if (length > MAX_OUTPUT) throw new ApiError(413, 'payload_too_large', `Outputs are limited to ${MAX_OUTPUT} bytes.`);
  const raw = req.body;
  if (!raw) throw badRequest('The body is empty.');
  const fixed = new FixedLengthStream(length);
  const [put] = await Promise.all([
    bucket.put(key, fixed.readable, { httpMetadata: { contentType } }),
    raw.pipeTo(fixed.writable),
  ]);
  return Response.json({ bytes: put?.size ?? length }, { status: 201 });
}
