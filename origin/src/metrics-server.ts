import http from 'node:http';
import type { OriginMetrics } from './metrics.ts';

/**
 * `GET /metrics` on its own address, for a Prometheus in another container or host: the agent's
 * callback port stays on loopback (NGINX is its only caller), and this one answers nothing else.
 */
export async function serveMetrics(metrics: OriginMetrics, host: string, port: number) {
  const server = http.createServer((req, res) => {
    if (req.method !== 'GET' || req.url !== '/metrics') return void res.writeHead(404).end('not found');
    metrics.render().then(
      (m) => res.writeHead(200, { 'content-type': m.contentType }).end(m.body),
      () => res.writeHead(500).end('metrics failed'),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return {
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
