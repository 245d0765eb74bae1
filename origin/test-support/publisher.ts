import { type ChildProcess, spawn } from 'node:child_process';

/** A test-pattern RTMP publisher (what `origin/scripts/publish-test-pattern.ts` runs), for tests. */
export function startTestPublisher(
  url: string,
  opts: {
    size?: string;
    rate?: number;
    gopFrames?: number;
    seconds?: number;
    videoKbps?: number;
    format?: 'flv' | 'mpegts';
  } = {},
): ChildProcess {
  const rate = opts.rate ?? 30;
  const args = testPatternArgs(
    url,
    opts.size ?? '1280x720',
    rate,
    opts.gopFrames ?? rate,
    opts.seconds,
    opts.videoKbps,
  );
  // SRT carries MPEG-TS (srt://...): the same pattern, another container.
  if (opts.format === 'mpegts') args.splice(args.lastIndexOf('flv'), 1, 'mpegts');
  return spawn('ffmpeg', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

export function testPatternArgs(
  url: string,
  size: string,
  rate: number,
  gopFrames: number,
  seconds?: number,
  /** Video bitrate held with -maxrate (a throttled encoder); without it, an average of 2500 kb/s. */
  videoKbps?: number,
): string[] {
  return [
    '-hide_banner',
    '-loglevel',
    'error',
    '-nostdin',
    '-re',
    '-f',
    'lavfi',
    '-i',
    `testsrc2=size=${size}:rate=${rate}`,
    '-f',
    'lavfi',
    '-i',
    'sine=frequency=440:sample_rate=48000',
    ...(seconds ? ['-t', String(seconds)] : []),
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-tune',
    'zerolatency',
    '-pix_fmt',
    'yuv420p',
    '-g',
    String(gopFrames),
    '-b:v',
    `${videoKbps ?? 2500}k`,
    ...(videoKbps ? ['-maxrate', `${videoKbps}k`, '-bufsize', `${videoKbps}k`] : []),
    '-c:a',
    'aac',
    '-b:a',
    '128k',
    '-f',
    'flv',
    url,
  ];
}

export function waitExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}
