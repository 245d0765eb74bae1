import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { ROOT } from './worker-process.ts';

/**
 * The docs site for `./edgelive start`: built by scripts/docs.ts in the background (the stack does
 * not wait for it) into `<state>/docs-site`, and served as static files on 127.0.0.1. Until the
 * build is done, or if it failed, pages answer 503 saying so. Never fatal: a busy port only means
 * no docs server (the site can still be built and opened by hand).
 */
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json',
  '.css': 'text/css',
  '.png': 'image/png',
};

export async function serveDocs(opts: { port: number; stateDir: string }): Promise<{
  url: string | null;
  close: () => Promise<void>;
}> {
  const site = join(opts.stateDir, 'docs-site');
  let status: 'building' | 'ready' | 'failed' = 'building';
  const build = spawn(join(ROOT, 'node_modules/.bin/tsx'), [join(ROOT, 'scripts/docs.ts'), '--out', site], {
    cwd: ROOT,
    stdio: 'ignore',
  });
  build.on('exit', (code) => {
    status = code === 0 ? 'ready' : 'failed';
  });
  const server = createServer((req, res) => {
    if (status !== 'ready') {
      res.writeHead(503, { 'content-type': 'text/plain', 'retry-after': '5' });
      res.end(
        status === 'building'
          ? 'The docs are being built; try again in a few seconds.\n'
          : 'The docs build failed: run tsx scripts/docs.ts to see why.\n',
      );
      return;
    }
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(
      /^(\.\.[/\\])+/,
      '',
    );
    let file = join(site, path);
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!file.startsWith(site) || !existsSync(file)) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('Not found\n');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  const listening = await new Promise<boolean>((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(opts.port, '127.0.0.1', () => resolve(true));
  });
  const close = async () => {
    if (build.exitCode === null) build.kill('SIGTERM');
    if (listening) await new Promise<void>((r) => server.close(() => r()));
  };
  return { url: listening ? `http://127.0.0.1:${opts.port}` : null, close };
}
