/**
 * The end-to-end files as a queue two lanes of `scripts/test.ts` take from.
 *
 * Lane 1 takes from the front, where the files that publish video sit (they start an origin with
 * NGINX and FFmpeg ladders: `startLiveStack`, `launchOrigin`, `startTestPublisher`, or ffmpeg
 * itself). Lane 2 first runs the
 * in-process projects and then takes from the back, but only files that publish no video: two
 * transcoding files at once on a two-core machine would slow each other's segments past the
 * latencies they assert, while a console, account or API file beside one of them does not. Each file
 * already uses ports of its own, so any two of them can run at once.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const PUBLISHES_VIDEO = /\bstartLiveStack\b|\blaunchOrigin\b|\bstartTestPublisher\b|\bffmpeg\b/;

export interface E2eFile {
  path: string;
  publishesVideo: boolean;
}

function listTests(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return listTests(path);
    return entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

export class E2eQueue {
  private readonly files: E2eFile[];

  constructor(root: string) {
    const files = listTests(join(root, 'e2e'))
      .sort()
      .map((path) => ({
        path: relative(root, path),
        publishesVideo: PUBLISHES_VIDEO.test(readFileSync(path, 'utf8')),
      }));
    // Video files first (stable order within each kind), so the back of the queue is the light end.
    this.files = [...files.filter((f) => f.publishesVideo), ...files.filter((f) => !f.publishesVideo)];
  }

  get size(): number {
    return this.files.length;
  }

  /** Lane 1: the next file from the front, whatever it is. */
  takeFront(): E2eFile | undefined {
    return this.files.shift();
  }

  /** Lane 2: the last file, unless it publishes video (then lane 1 keeps the rest). */
  takeLight(): E2eFile | undefined {
    const last = this.files.at(-1);
    if (!last || last.publishesVideo) return undefined;
    return this.files.pop();
  }
}
