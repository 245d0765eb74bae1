import { type ChildProcess, spawn } from 'node:child_process';
import type { Page } from 'playwright-core';

/**
 * A test-pattern publisher that writes its frame number into the picture: the top 16 rows are 20
 * blocks of 32x16 pixels, block b white when bit b of the frame number is set. With `-re` and a
 * lavfi source, frame N is made at (start + N / rate), so a browser that reads the blocks off the
 * frame on screen knows when that frame was captured, independently of any timestamp the pipeline
 * writes. The spawn time stands in for the start, which can only overstate latency (by FFmpeg's
 * start-up, ~0.1-0.3 s).
 */
export const STAMP_BITS = 20;
const BLOCK_W = 32;
const BLOCK_H = 16;

export interface StampedPublisher {
  child: ChildProcess;
  startedAt: number;
  rate: number;
}

export function startStampedPublisher(
  url: string,
  opts: { rate?: number; gopFrames?: number; seconds: number; size?: string },
): StampedPublisher {
  const rate = opts.rate ?? 30;
  const size = opts.size ?? '640x360';
  const [w = 640, h = 360] = size.split('x').map(Number);
  // 1500 kb/s at 640x360, as much per pixel above it up to what OBS sends at 1080p30 (6 Mb/s).
  const kbps = Math.round(Math.min(6000, (1500 * w * h) / (640 * 360)));
  const bits = `lum='255*mod(floor(N/pow(2,floor(X/${BLOCK_W}))),2)':cb=128:cr=128`;
  const graph =
    `[0:v]format=yuv420p,split[main][strip];` +
    `[strip]crop=${BLOCK_W * STAMP_BITS}:${BLOCK_H}:0:0,geq=${bits}[bits];[main][bits]overlay=0:0[v]`;
  const args = [
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
    '-t',
    String(opts.seconds),
    '-filter_complex',
    graph,
    '-map',
    '[v]',
    '-map',
    '1:a',
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-tune',
    'zerolatency',
    '-pix_fmt',
    'yuv420p',
    '-g',
    String(opts.gopFrames ?? rate),
    '-b:v',
    `${kbps}k`,
    '-c:a',
    'aac',
    '-b:a',
    '96k',
    '-f',
    'flv',
    url,
  ];
  const startedAt = Date.now();
  const child = spawn('ffmpeg', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  return { child, startedAt, rate };
}

/** The frame number written in the frame on screen, or null when the blocks do not read cleanly. */
export function readFrameNumber(page: Page): Promise<number | null> {
  return page.evaluate(
    ({ bits, bw, bh }) => {
      const video = document.querySelector('video');
      if (!video || video.videoWidth < bits * bw) return null;
      const canvas = document.createElement('canvas');
      canvas.width = bits * bw;
      canvas.height = bh;
      const g = canvas.getContext('2d', { willReadFrequently: true });
      if (!g) return null;
      g.drawImage(video, 0, 0, canvas.width, canvas.height, 0, 0, canvas.width, canvas.height);
      let n = 0;
      for (let b = 0; b < bits; b++) {
        const px = g.getImageData(b * bw + bw / 2, bh / 2, 1, 1).data;
        const y = (px[0]! + px[1]! + px[2]!) / 3;
        // Compression smears the edges, not the centres: anything mid-grey means a bad read.
        if (y > 60 && y < 190) return null;
        if (y >= 190) n += 2 ** b;
      }
      return n;
    },
    { bits: STAMP_BITS, bw: BLOCK_W, bh: BLOCK_H },
  );
}
