/**
 * Bundles the embed page's script with hls.js into public/player/embed.js, which the Worker serves
 * as a static asset (wrangler.jsonc `assets`). wrangler runs this before `dev` and `deploy`
 * (`build.command`), so the player never comes from a third-party CDN. Plain JavaScript: wrangler
 * runs it with whichever `node` is first on PATH.
 */

import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
// The embed player, and the watch/chat pages' script (player + room client).
await build({
  entryPoints: {
    embed: `${root}packages/client/src/player/embed.ts`,
    watch: `${root}packages/client/src/watch/watch.ts`,
  },
  outdir: `${root}public/player`,
  bundle: true,
  // The light build: no DRM, subtitles or alternate audio, which we never serve; AES-128 is kept.
  alias: { 'hls.js': 'hls.js/light' },
  minify: true,
  format: 'iife',
  target: ['chrome100', 'firefox100', 'safari15'],
  legalComments: 'none',
  logLevel: 'warning',
});
