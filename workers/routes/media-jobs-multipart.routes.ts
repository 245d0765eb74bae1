import { Hono } from 'hono';
import { z } from 'zod';
import { mp4Key } from '../../core/media-keys';
import { mediaJobsStub } from '../../core/stubs';
import { JOB_REFUSALS } from '../../durable-objects/media-jobs/contract';
import { ApiError, badRequest, notFound } from '../lib/errors';
import { orThrow } from '../lib/rpc-errors';
import type { OriginEnv } from '../middleware/origin-auth';

/**
 * An MP4 job's output in parts (issue 14): a Worker request body is capped (100 MB on most plans),
 * so the agent uploads a large MP4 as an R2 multipart upload, one request per part, under the same
 * lease rule as every other output (a worker whose lease lapsed can neither add parts nor finish).
 *
 *   POST /internal/media-jobs/{id}/multipart?lease_id=                 → 201 { upload_id }
 *   PUT  /internal/media-jobs/{id}/multipart/{upload_id}/{n}?lease_id=  one part (1-based) → { etag }
 *   POST /internal/media-jobs/{id}/multipart/{upload_id}/complete       { lease_id, parts: [{ n, etag }] }
 *
 * R2 wants every part but the last of one size, at least 5 MiB: the agent's parts are.
 */

/** R2's floor for every part but the last. */
export const MIN_PART = 5 * 1024 * 1024;
/** Under the Worker's request body cap, with room for the headers. */
export const MAX_PART = 95 * 1024 * 1024;

const completeSchema = z.object({
  lease_id: z.string().min(1).max(64),
  parts: z
    .array(z.object({ n: z.number().int().min(1).max(10_000), etag: z.string().min(1).max(200) }))
    .min(1)
    .max(10_000),
});

/** The MP4 job this lease holds; anything else is not found. */
async function mp4Job(env: OriginEnv['Bindings'], id: string, leaseId: string) {
  const { spec } = orThrow(await mediaJobsStub(env).check(id, leaseId), JOB_REFUSALS);
  if (spec.kind !== 'mp4') throw notFound('output');
  return spec;
}

/** Mounted inside mediaJobRoutes, behind its origin authentication. */
export const mediaJobMultipartRoutes = new Hono<OriginEnv>()
  .post('/:id/multipart', async (c) => {
    const spec = await mp4Job(c.env, c.req.param('id'), c.req.query('lease_id') ?? '');
    const upload = await c.env.MEDIA.createMultipartUpload(mp4Key(spec.asset_id), {
      httpMetadata: { contentType: 'video/mp4' },
    });
    return c.json({ upload_id: upload.uploadId }, 201);
  })
  .put('/:id/multipart/:upload/:n', async (c) => {
    const spec = await mp4Job(c.env, c.req.param('id'), c.req.query('lease_id') ?? '');
    const n = Number(c.req.param('n'));
    if (!Number.isInteger(n) || n < 1 || n > 10_000) throw badRequest('The part number is 1 to 10000.');
    const length = Number(c.req.header('content-length') ?? Number.NaN);
    if (!Number.isInteger(length) || length <= 0) throw new ApiError(411, 'length_required', 'Send Content-Length.');
    if (length > MAX_PART) throw new ApiError(413, 'payload_too_large', `Parts are limited to ${MAX_PART} bytes.`);
    const body = c.req.raw.body;
    if (!body) throw badRequest('The body is empty.');
    const upload = c.env.MEDIA.resumeMultipartUpload(mp4Key(spec.asset_id), c.req.param('upload'));
    const fixed = new FixedLengthStream(length);
    try {
      const [part] = await Promise.all([upload.uploadPart(n, fixed.readable), body.pipeTo(fixed.writable)]);
      return c.json({ etag: part.etag }, 200);
    } catch {
      // R2 refuses an upload id it does not know (never made, completed or aborted).
      throw notFound('multipart upload');
    }
  })
  .post('/:id/multipart/:upload/complete', async (c) => {
    let json: unknown;
    try {
      json = await c.req.json();
    } catch {
      throw badRequest('The body must be JSON.');
    }
    const b = completeSchema.safeParse(json);
    if (!b.success) throw badRequest('The request did not match the schema.', { issues: b.error.issues });
    const spec = await mp4Job(c.env, c.req.param('id'), b.data.lease_id);
    const upload = c.env.MEDIA.resumeMultipartUpload(mp4Key(spec.asset_id), c.req.param('upload'));
    try {
      const done = await upload.complete(b.data.parts.map((p) => ({ partNumber: p.n, etag: p.etag })));
      return c.json({ bytes: done.size }, 201);
    } catch (err) {
      // A part too small, a wrong etag, an unknown upload: the agent's to fix, never a 5xx.
      throw new ApiError(409, 'multipart_invalid', `R2 refused to complete the upload: ${String(err).slice(0, 200)}`);
    }
  });
