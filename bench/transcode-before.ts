/**
 * The ladder's encoding as it was before issue 12's cost work, kept here so that
 * `bench/transcode.ts` measures it beside the origin's current choices in the same run: every rung
 * scaled from the input with bicubic, x264 veryfast with its defaults, AAC encoded again per rung.
 */

import type { Rung } from '../origin/src/ladder.ts';
import type { LadderEncoding } from '../origin/src/ladder-encoding.ts';

export const BEFORE_ENCODING: LadderEncoding = {
  cascade: false,
  scaler: 'bicubic',
  x264: () => ({ preset: 'veryfast' }),
};

/** The audio of each rung then: the source's AAC copied into `source` only, the others encoded. */
export function beforeAudio(rungs: readonly Rung[]): Rung[] {
  return rungs.map((r) => {
    if (r.videoCopy) return r;
    const short = Math.min(r.width, r.height);
    return { ...r, audioCopy: false, audioBitrateKbps: short >= 720 ? 128 : short >= 480 ? 96 : 64 };
  });
}
