import { type ChildProcess, spawn } from 'node:child_process';
import { readFile, rm, stat } from 'node:fs/promises';
import { sleep } from './backoff.ts';
import type { Logger } from './log.ts';

/**
 * The preview frame of one connected input, so an operator sees what they would cut to. FFmpeg
 * decodes keyframes only (`-skip_frame nokey`: a frame per GOP, a small fraction of a full
 * decode) and keeps overwriting one small JPEG; every `everyMs` a changed file is sent.
 */
export function previewArgs(inputUrl: string, outFile: string): string[] {
  return [
    '-hide_banner',
    '-loglevel',
    'error',
    '-nostdin',
    '-skip_frame',
    'nokey',
    '-i',
    inputUrl,
    '-an',
    '-vf',
    'scale=320:-2',
    '-q:v',
    '6',
    '-f',
    'image2',
    '-update',
    '1',
    '-y',
    outFile,
  ];
}

export class InputPreview {
  private child: ChildProcess | null = null;
  private readonly over = new AbortController();
  private loop: Promise<void> | null = null;
  private sent = 0;
  private readonly inputUrl: string;
  private readonly file: string;
  private readonly send: (jpeg: Uint8Array) => Promise<void>;
  private readonly log: Logger;
  private readonly everyMs: number;

  constructor(inputUrl: string, file: string, send: (jpeg: Uint8Array) => Promise<void>, log: Logger, everyMs = 2000) {
    this.inputUrl = inputUrl;
    this.file = file;
    this.send = send;
    this.log = log;
    this.everyMs = everyMs;
  }

  start(): void {
    this.loop ??= Promise.all([this.runFfmpeg(), this.runUploads()]).then(() => undefined);
  }

  async stop(): Promise<void> {
    this.over.abort();
    this.child?.kill('SIGKILL');
    await this.loop;
    await rm(this.file, { force: true });
  }

  /** FFmpeg again after an exit (the input may not be readable yet right after its on_publish). */
  private async runFfmpeg(): Promise<void> {
    while (!this.over.signal.aborted) {
      await new Promise<void>((resolve) => {
        const child = spawn('ffmpeg', previewArgs(this.inputUrl, this.file), { stdio: 'ignore' });
        this.child = child;
        child.once('error', () => resolve());
        child.once('exit', () => resolve());
      });
      await sleep(1000, this.over.signal);
    }
  }

  private async runUploads(): Promise<void> {
    while (!this.over.signal.aborted) {
      await sleep(this.everyMs, this.over.signal);
      try {
        const m = (await stat(this.file)).mtimeMs;
        if (m === this.sent) continue;
        const jpeg = await readFile(this.file);
        // A file caught mid-write is not a JPEG yet; the next tick sends it whole.
        if (jpeg.length < 3 || jpeg[0] !== 0xff || jpeg[1] !== 0xd8) continue;
        this.sent = m;
        await this.send(jpeg);
      } catch (err) {
        if (!(err instanceof Error && 'code' in err && err.code === 'ENOENT'))
          this.log('debug', 'input preview not sent', { reason: String(err) });
      }
    }
  }
}
