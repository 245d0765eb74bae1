import http from 'node:http';

/**
 * Drops a publisher through NGINX-RTMP's control module, which the config exposes only on a unix
 * socket in the runtime dir. NGINX then calls on_publish_done, which ends the publication.
 */
export function dropPublisher(controlSocket: string, app: string, name: string): Promise<number> {
  const query = new URLSearchParams({ app, name }).toString();
  return new Promise((resolve, reject) => {
    const req = http.request(
      { socketPath: controlSocket, path: `/control/drop/publisher?${query}`, method: 'GET', timeout: 5000 },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => {
          if (res.statusCode !== 200) reject(new Error(`control answered ${res.statusCode}`));
          // The module answers with how many sessions it dropped.
          else resolve(Number.parseInt(body, 10) || 0);
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('control request timed out')));
    req.on('error', reject);
    req.end();
  });
}
