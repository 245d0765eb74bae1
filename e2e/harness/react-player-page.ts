import path from 'node:path';
import { build } from 'esbuild';
import type { Page } from 'playwright-core';

/**
 * `<EdgelivePlayer />` from `@edgelive/client/player` on a page of its own, as a customer's React
 * app would render it: the component's source bundled with React by esbuild (the same bundler the
 * package is built with), served by Playwright at `path` on the Worker's origin so its requests
 * are the ones a same-site app makes. Answers once the page is open.
 */
export async function openReactPlayer(
  page: Page,
  workerUrl: string,
  props: { playbackId: string; token?: string; chatReplay?: boolean },
): Promise<void> {
  const entry = `
    import { createElement } from 'react';
    import { createRoot } from 'react-dom/client';
    import { EdgelivePlayer } from '@edgelive/client/player';
    const props = ${JSON.stringify({ ...props, baseUrl: workerUrl, autoPlay: false, analytics: false })};
    createRoot(document.getElementById('root')).render(
      createElement(EdgelivePlayer, { ...props, style: { width: 640, height: 360 } }),
    );`;
  const out = await build({
    stdin: { contents: entry, resolveDir: path.join(import.meta.dirname, '..'), loader: 'ts' },
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    conditions: ['edgelive-source'],
    define: { 'process.env.NODE_ENV': '"production"' },
    minify: true,
    logLevel: 'warning',
  });
  const js = out.outputFiles[0]!.text.replaceAll('</script', '<\\/script');
  const at = `${workerUrl}/__e2e/react-player`;
  await page.route(at, (route) =>
    route.fulfill({
      contentType: 'text/html',
      body: `<!doctype html><html><body style="margin:0;background:#111"><div id="root"></div><script type="module">${js}</script></body></html>`,
    }),
  );
  await page.goto(at);
}
