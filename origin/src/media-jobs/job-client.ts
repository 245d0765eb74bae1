import { createWriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import {
  type LeaseAnswer,
  leaseAnswerSchema,
  type TranscodeResult,
  type TrimResult,
} from '@edgelive/shared/media-jobs';
import { originAuthorization } from '@edgelive/shared/origin-protocol';
import type { OriginCredentials } from '../worker-client.ts';
import { WorkerHttpError } from '../worker-client.ts';

/** Signed calls to `/internal/media-jobs/*` (packages/shared/src/media-jobs.ts). */
/** R2's floor for every part but the last. */
export const MIN_PART_BYTES = 5 * 1024 * 1024;

/** A file of `size` bytes cut into parts of `partBytes` (the last one shorter), as R2 takes them. */
export function partRanges(size: number, partBytes: number): { offset: number; length: number }[] {
  const each = Math.max(MIN_PART_BYTES, partBytes);
  const out: { offset: number; length: number }[] = [];
  for (let offset = 0; offset < size; offset += each) out.push({ offset, length: Math.min(each, size - offset) });
  return out;
}

export class JobClient {
  private readonly creds: OriginCredentials;

  constructor(creds: OriginCredentials) {
    this.creds = creds;
  }

  async lease(): Promise<LeaseAnswer | null> {
    const res = await this.send('POST', '/internal/media-jobs/lease');
    if (res.status === 204) return null;
    return leaseAnswerSchema.parse(await this.ok(res, 'lease').json());
  }

  async progress(jobId: string, leaseId: string, progress: number): Promise<void> {
    await this.json(`/internal/media-jobs/${jobId}/progress`, { lease_id: leaseId, progress });
  }

  async complete(jobId: string, leaseId: string, result?: TranscodeResult | TrimResult): Promise<void> {
    await this.json(`/internal/media-jobs/${jobId}/complete`, { lease_id: leaseId, result });
  }

  async fail(jobId: string, leaseId: string, reason: string, retryable: boolean): Promise<void> {
    await this.json(`/internal/media-jobs/${jobId}/fail`, { lease_id: leaseId, reason, retryable });
  }

  /** One file of the job's input (`playlist.m3u8`, `<rendition>/<n>.ts`, `aes.key`). */
  async input(jobId: string, leaseId: string, file: string): Promise<Uint8Array> {
    const path = `/internal/media-jobs/${jobId}/input/${file}?lease_id=${encodeURIComponent(leaseId)}`;
    const res = this.ok(await this.send('GET', path), path);
    return new Uint8Array(await res.arrayBuffer());
  }

  /** A large input (an upload's source) streamed to disk rather than held in memory. */
  async inputToFile(jobId: string, leaseId: string, file: string, dest: string): Promise<void> {
    const path = `/internal/media-jobs/${jobId}/input/${file}?lease_id=${encodeURIComponent(leaseId)}`;
    const res = this.ok(await this.send('GET', path, undefined, undefined, 30 * 60_000), path);
    if (!res.body) throw new Error(`empty input ${file}`);
    await pipeline(Readable.fromWeb(res.body as WebReadableStream<Uint8Array>), createWriteStream(dest));
  }

  /** One file of an HLS output (`master.m3u8`, `<rendition>.m3u8`, `<rendition>/<n>.ts`). */
  async outputFile(jobId: string, leaseId: string, file: string, body: Uint8Array, contentType: string) {
    const path = `/internal/media-jobs/${jobId}/output/${file}?lease_id=${encodeURIComponent(leaseId)}`;
    const res = await this.send('PUT', path, body, contentType);
    await this.ok(res, path).body?.cancel();
  }

  async output(jobId: string, leaseId: string, body: Uint8Array): Promise<void> {
    const path = `/internal/media-jobs/${jobId}/output?lease_id=${encodeURIComponent(leaseId)}`;
    const res = await this.send('PUT', path, body, 'video/mp4');
    await this.ok(res, path).body?.cancel();
  }

  /**
   * A large MP4 in parts (an R2 multipart upload through the Worker, whose request bodies are
   * capped at 100 MB): each part read from disk in turn, so memory holds one part at a time.
   */
  async outputParts(jobId: string, leaseId: string, file: string, partBytes: number): Promise<void> {
    const lease = `lease_id=${encodeURIComponent(leaseId)}`;
    const base = `/internal/media-jobs/${jobId}/multipart`;
    const start = await this.send('POST', `${base}?${lease}`);
    const { upload_id } = (await this.ok(start, base).json()) as { upload_id: string };
    const parts: { n: number; etag: string }[] = [];
    const fh = await open(file, 'r');
    try {
      const { size } = await fh.stat();
      for (const [i, r] of partRanges(size, partBytes).entries()) {
        const buf = new Uint8Array(r.length);
        await fh.read(buf, 0, r.length, r.offset);
        const path = `${base}/${encodeURIComponent(upload_id)}/${i + 1}?${lease}`;
        const res = await this.send('PUT', path, buf, 'application/octet-stream');
        parts.push({ n: i + 1, etag: ((await this.ok(res, path).json()) as { etag: string }).etag });
      }
    } finally {
      await fh.close();
    }
    await this.json(`${base}/${encodeURIComponent(upload_id)}/complete`, { lease_id: leaseId, parts });
  }

  private async json(path: string, body: unknown) {
    const res = await this.send('POST', path, JSON.stringify(body), 'application/json');
    await this.ok(res, path).body?.cancel();
  }

  private ok(res: Response, path: string): Response {
    if (res.status >= 200 && res.status < 300) return res;
    throw new WorkerHttpError(res.status, null, path.split('?')[0] ?? path);
  }

  private async send(
    method: string,
    path: string,
    body?: string | Uint8Array,
    contentType?: string,
    timeoutMs = 120_000,
  ) {
    const headers: Record<string, string> = {
      authorization: await originAuthorization(this.creds.originId, this.creds.secret, method, path),
    };
    if (contentType) headers['content-type'] = contentType;
    return fetch(new URL(path, this.creds.workerUrl), {
      method,
      headers,
      body: typeof body === 'string' || body === undefined ? body : new Uint8Array(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
  }
}
