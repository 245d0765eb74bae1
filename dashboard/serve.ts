/**
 * Serves the built console (`dist/`) and proxies the Worker's public paths, so the browser sees one
 * origin and the HttpOnly session cookie stays first-party. Used by the local start command and
 * the browser tests; prints nothing itself.
 *
 *   import { serveConsole } from '@edgelive/dashboard/serve';
 *   const c = await serveConsole({ port: 5173, apiUrl: 'http://127.0.0.1:8787' });
 *   console.log(c.url); ... await c.close();
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect, type Socket } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface ServeOptions {
  /** Port to listen on; 0 picks a free one. */
  port: number;
  /** The Worker, e.g. http://127.0.0.1:8787. */
  apiUrl: string;
  host?: string;
  /** Defaults to this package's dist/. */
  distDir?: string;
  /** The origin's RTMP ingest URL shown in the OBS setup, e.g. rtmp://127.0.0.1:1935/live. */
  rtmpUrl?: string;
}

export interface ServedConsole {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Paths that belong to the Worker; everything else is the single-page app. */
export const PROXIED_PREFIXES = ['/v1/', '/hls/', '/embed/', '/thumbnails/', '/downloads/', '/tus/'] as const;
export const isProxied = (path: string) => path === '/v1' || PROXIED_PREFIXES.some((p) => path.startsWith(p));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.map': 'application/json',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

function proxyHttp(target: URL, req: IncomingMessage, res: ServerResponse) {
  const upstream = httpRequest(
    {
      host: target.hostname,
      port: target.port || 80,
      method: req.method,
      path: req.url,
      headers: {
        ...req.headers,
        host: target.host,
        'x-forwarded-host': req.headers.host ?? '',
        'x-forwarded-proto': 'http',
      },
    },
    (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    },
  );
  upstream.on('error', () => {
    if (!res.headersSent) {
      res.writeHead(502, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          error: { code: 'bad_gateway', message: 'The Edgelive API is not reachable from the console server.' },
        }),
      );
    } else res.destroy();
  });
  req.pipe(upstream);
}

/** WebSocket upgrades (chat) go through as raw bytes after the handshake is forwarded. */
function proxyUpgrade(target: URL, req: IncomingMessage, client: Socket, head: Buffer) {
  const upstream = connect(Number(target.port || 80), target.hostname, () => {
    const headers = { ...req.headers, host: target.host };
    const lines = [
      `${req.method} ${req.url} HTTP/1.1`,
      ...Object.entries(headers).flatMap(([k, v]) =>
        Array.isArray(v) ? v.map((x) => `${k}: ${x}`) : v === undefined ? [] : [`${k}: ${v}`],
      ),
    ];
    upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
    if (head.length) upstream.write(head);
    upstream.pipe(client);
    client.pipe(upstream);
  });
  const end = () => {
    upstream.destroy();
    client.destroy();
  };
  upstream.on('error', end);
  client.on('error', end);
  upstream.on('close', end);
  client.on('close', end);
}

async function serveStatic(dist: string, path: string, res: ServerResponse) {
  const clean = normalize(decodeURIComponent(path)).replace(/^([/\\])+/, '');
  let file = join(dist, clean);
  if (!file.startsWith(dist + sep) && file !== dist) file = join(dist, 'index.html');
  const info = await stat(file).catch(() => null);
  // Client-side routes (/apps/...) have no file: the app shell answers them.
  if (!info?.isFile()) file = join(dist, 'index.html');
  const ext = extname(file);
  res.writeHead(200, {
    'content-type': TYPES[ext] ?? 'application/octet-stream',
    // Vite fingerprints assets; index.html must be revalidated so a new build is picked up.
    'cache-control': file.includes(`${sep}assets${sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache',
  });
  createReadStream(file).pipe(res);
}

export async function serveConsole(opts: ServeOptions): Promise<ServedConsole> {
  const target = new URL(opts.apiUrl);
  const dist = normalize(opts.distDir ?? fileURLToPath(new URL('./dist', import.meta.url)));
  const index = await stat(join(dist, 'index.html')).catch(() => null);
  if (!index) throw new Error(`No console build in ${dist}; run \`npm run build -w dashboard\` first.`);
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (isProxied(path)) return proxyHttp(target, req, res);
    if (path === '/console-config.json') {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-cache' });
      res.end(JSON.stringify({ rtmp_url: opts.rtmpUrl ?? null }));
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405).end();
      return;
    }
    serveStatic(dist, path, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (isProxied(path)) proxyUpgrade(target, req, socket, head);
    else socket.destroy();
  });
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  return {
    url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
