import type { Page } from 'playwright-core';

/**
 * What a test reads from the embed page's player (window.edgelive, set by
 * packages/client/src/player/embed.ts). Runs inside the page, so it names no imports.
 */
export interface PlayerProbe {
  currentTime: number;
  paused: boolean;
  live: boolean;
  qualities: { index: number; height: number }[];
  current: number;
  fatalErrors: number;
  error: string | null;
  /** Wall clock minus the program-date-time of the frame on screen, ms (null before it is known). */
  latencyMs: number | null;
  videoHeight: number;
}

export function probe(page: Pick<Page, 'evaluate'>): Promise<PlayerProbe | null> {
  return page.evaluate(() => {
    type W = {
      edgelive?: {
        video: HTMLVideoElement;
        player: {
          state(): {
            live: boolean;
            qualities: { index: number; height: number }[];
            current: number;
            fatalErrors: number;
            error: string | null;
          };
          playingDate(): Date | null;
        };
      };
    };
    const e = (window as unknown as W).edgelive;
    if (!e) return null;
    const s = e.player.state();
    const pd = e.player.playingDate();
    return {
      currentTime: e.video.currentTime,
      paused: e.video.paused,
      live: s.live,
      qualities: s.qualities.map((q) => ({ index: q.index, height: q.height })),
      current: s.current,
      fatalErrors: s.fatalErrors,
      error: s.error,
      latencyMs: pd ? Date.now() - pd.getTime() : null,
      videoHeight: e.video.videoHeight,
    };
  });
}

export function setQuality(page: Page, index: number): Promise<void> {
  return page.evaluate((i) => {
    type W = { edgelive?: { player: { setQuality(i: number): void } } };
    (window as unknown as W).edgelive?.player.setQuality(i);
  }, index);
}

export async function waitFor<T>(
  what: string,
  fn: () => Promise<T | null | undefined | false>,
  timeoutMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
