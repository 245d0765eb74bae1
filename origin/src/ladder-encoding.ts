import type { Rung } from './ladder.ts';

/**
 * How the encoded rungs are made from the one decoded input: where each rung's picture is scaled
 * from, with which scaler, and x264's settings per rung. The command builder (ffmpeg-command.ts)
 * takes it as a parameter so that `bench/transcode.ts` can still run the choices of an earlier
 * ladder beside these and print both, cost and SSIM per rung, in one run.
 */
export interface LadderEncoding {
  /**
   * Scale every rung below the tallest encoded one from that rung's picture instead of from the
   * input: 720p from the 1080p input, 480p and 360p from that 720p. Each scale then reads a smaller
   * picture; from the rung just above (360p from 480p, a 4:3 step) lost SSIM that this does not.
   */
  cascade: boolean;
  /** libswscale algorithm of every rung's scale (`flags=`). */
  scaler: string;
  /** x264 preset and `-x264-params` of one encoded rung (bitrate and keyframes are the builder's). */
  x264(rung: Rung): { preset: string; params?: string };
}

/**
 * What the origin runs, chosen with `bench/transcode.ts` (figures in the handbook's live-streams
 * page), each change kept only if the ladder's CPU fell at no lower SSIM per rung:
 * - every rung below the tallest encoded one is scaled from that rung's picture, not from the input
 *   (the 1080p input is scaled once, to 720p; 480p and 360p read the 720p picture);
 * - lanczos: sharper than bicubic, so the rungs keep the detail x264 then spends its bits on, and on
 *   the smaller pictures of the cascade it costs less than bicubic from the input did;
 * - x264 veryfast with `subme=1` on rungs of 480p and up (subpixel refinement by SAD, one pass: the
 *   largest single saving, about a fifth of a 720p encode), with `me=umh`'s wider motion search
 *   winning back what it costs in SSIM for a small part of the saving; the rungs below 480p keep
 *   veryfast's own settings, since they are cheap and already lose a little from being scaled twice;
 * - one thread per encoder up to 720p: the ladder's encoders already run side by side, and x264's
 *   frame threads cost both CPU and SSIM (each frame searches a reference that is still being
 *   encoded) and add a frame of delay per thread. A 720p encode takes about a third of a core, so
 *   one thread keeps real time with room; 1080p and taller rungs keep x264's threads to keep up.
 * `-tune zerolatency` stays out: it would give up lookahead and B-frames in `standard` mode for
 * nothing (the encoder's delay is not where a segment's latency comes from); `low` mode already
 * drops B-frames on its own (ffmpeg-command.ts).
 */
export const LADDER_ENCODING: LadderEncoding = {
  cascade: true,
  scaler: 'lanczos',
  x264: (r) => {
    const short = Math.min(r.width, r.height);
    const params = [...(short >= 480 ? ['subme=1', 'me=umh'] : []), ...(short <= 720 ? ['threads=1'] : [])];
    return params.length ? { preset: 'veryfast', params: params.join(':') } : { preset: 'veryfast' };
  },
};
