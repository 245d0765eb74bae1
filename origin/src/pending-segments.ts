import { writeFileSync } from 'node:fs';
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { RENDITION_NAMES, sessionIdSchema, streamIdSchema } from '@edgelive/shared/origin-protocol';
import { z } from 'zod';
import type { Logger } from './log.ts';
import type { PendingSegment } from './upload-queue.ts';

/**
 * The upload queue on disk: beside each waiting segment file, a small manifest of what the Worker
 * must be told about it. An agent that restarts (a crash, a deploy) finds them and uploads what
 * the last run could not, instead of wiping its work directory and losing those segments.
 */

const SUFFIX = '.upload.json';

export const manifestPath = (segmentFile: string) => `${segmentFile}${SUFFIX}`;

const manifestSchema = z.object({
  // The ids become path components again on the next run: checked as strictly as the Worker's answer.
  streamId: streamIdSchema,
  sessionId: sessionIdSchema,
  rendition: z.enum(RENDITION_NAMES),
  sequence: z.number().int().min(0),
  durationS: z.number().positive(),
  programDateTime: z.string().nullable(),
  discontinuity: z.boolean(),
  bytes: z.number().int().min(0),
});

/** Synchronous on purpose: written before enqueue returns, so a crash right after still finds it. */
export function writeManifest(s: PendingSegment): void {
  const { filePath: _file, ...rest } = s;
  writeFileSync(manifestPath(s.filePath), JSON.stringify(rest));
}

export async function removeManifest(segmentFile: string): Promise<void> {
  await rm(manifestPath(segmentFile), { force: true });
}

/**
 * Every segment a previous run left waiting under `workDir`, oldest sequence first per lane.
 * A manifest that does not parse, names ids that are not ours, or lost its segment is removed.
 */
export async function readPendingSegments(workDir: string, log: Logger): Promise<PendingSegment[]> {
  const out: PendingSegment[] = [];
  for (const file of await manifests(workDir)) {
    const filePath = file.slice(0, -SUFFIX.length);
    const parsed = manifestSchema.safeParse(await readJson(file));
    const exists = await stat(filePath).then(
      (s) => s.isFile(),
      () => false,
    );
    // The file must sit where its ids say, so a manifest cannot point the agent anywhere else.
    const expected =
      parsed.success && path.join(workDir, parsed.data.streamId, parsed.data.sessionId, parsed.data.rendition);
    if (!parsed.success || !exists || path.dirname(filePath) !== expected) {
      log('warn', 'dropping an unreadable upload manifest', { file: path.relative(workDir, file) });
      await rm(file, { force: true });
      continue;
    }
    out.push({ ...parsed.data, filePath });
  }
  return out.sort((a, b) => a.sequence - b.sequence);
}

async function manifests(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  return entries.filter((e) => e.isFile() && e.name.endsWith(SUFFIX)).map((e) => path.join(e.parentPath, e.name));
}

async function readJson(file: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(file, 'utf8'));
  } catch {
    return null;
  }
}
