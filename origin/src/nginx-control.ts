import http from 'node:http';

/**
 * NGINX-RTMP's control and stat modules, which the config exposes only on a unix socket in the
 * runtime dir (origin/nginx/nginx.conf.template).
 */
function get(controlSocket: string, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.request({ socketPath: controlSocket, path, method: 'GET', timeout: 5000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => {
        if (res.statusCode !== 200) reject(new Error(`control answered ${res.statusCode}`));
        else resolve(body);
      });
    });
    req.on('timeout', () => req.destroy(new Error('control request timed out')));
    req.on('error', reject);
    req.end();
  });
}

const query = (app: string, name: string) => new URLSearchParams({ app, name }).toString();

/** Drops a publisher; NGINX then calls on_publish_done, which ends the publication. How many it dropped. */
export async function dropPublisher(controlSocket: string, app: string, name: string): Promise<number> {
  return Number.parseInt(await get(controlSocket, `/control/drop/publisher?${query(app, name)}`), 10) || 0;
}

/**
 * Drops every player of a stream (the agent's FFmpeg, ffprobe, simulcast pushes). The application
 * keeps idle streams open, so a player outlives its publisher unless it is dropped: the agent does it
 * at on_publish_done, and the players see the end of their input as they would if NGINX closed them.
 */
export async function dropSubscribers(controlSocket: string, app: string, name: string): Promise<number> {
  return Number.parseInt(await get(controlSocket, `/control/drop/subscriber?${query(app, name)}`), 10) || 0;
}

/** How many players a stream has, from the stat module's XML (a player has no `<publishing/>`). */
export async function subscriberCount(controlSocket: string, app: string, name: string): Promise<number> {
  return subscribersIn(await get(controlSocket, '/stat'), app, name);
}

/** The players of `app/name` in the stat module's XML. Exported for its test. */
export function subscribersIn(statXml: string, app: string, name: string): number {
  for (const application of statXml.split('<application>').slice(1)) {
    if (!application.trimStart().startsWith(`<name>${app}</name>`)) continue;
    for (const stream of application.split('<stream>').slice(1)) {
      if (!stream.trimStart().startsWith(`<name>${name}</name>`)) continue;
      const clients = stream.split('</stream>')[0]!.split('<client>').slice(1);
      // The stream's own <publishing/> follows its last client: look inside each client only.
      return clients.filter((c) => !c.split('</client>')[0]!.includes('<publishing/>')).length;
    }
  }
  return 0;
}
