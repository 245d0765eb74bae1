import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/**
 * A local stand-in for the two outside services custom domains depend on, on one port:
 *
 * - a DNS-over-HTTPS resolver's JSON API (`GET /dns-query?name=&type=TXT`, `application/dns-json`,
 *   the format cloudflare-dns.com answers), serving the TXT records a test "adds at its DNS";
 * - Cloudflare's v4 custom hostnames API (`/client/v4/zones/{zone}/custom_hostnames`), in the shape
 *   its documentation gives: the `{success, errors, messages, result}` envelope, a pending hostname
 *   with `ownership_verification` (`_cf-custom-hostname.<host>` TXT) and
 *   `ownership_verification_http`, error 1406 for a duplicate, and `active` once the TXT record is
 *   in the DNS above (which is what Cloudflare checks).
 *
 * It records every API request so tests can check what the Worker sent.
 */
interface Hostname {
  id: string;
  hostname: string;
  status: 'pending' | 'active';
  ssl: { method: string; type: string; status: string };
  custom_metadata: Record<string, string>;
  ownership_verification: { type: 'txt'; name: string; value: string };
  ownership_verification_http: { http_url: string; http_body: string };
  verification_errors: string[];
  created_at: string;
}

export interface ApiRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  body: unknown;
}

export class CloudflareStandIn {
  readonly txt = new Map<string, string[]>();
  readonly hostnames = new Map<string, Hostname>();
  readonly requests: ApiRequest[] = [];
  readonly zoneId = 'zone0123456789abcdef0123456789ab';
  readonly token = `standin-token-${randomUUID()}`;
  private server: Server | null = null;

  constructor(readonly port: number) {}

  get resolverUrl() {
    return `http://127.0.0.1:${this.port}/dns-query`;
  }
  get apiBase() {
    return `http://127.0.0.1:${this.port}/client/v4`;
  }

  /** What a customer does at their DNS provider. */
  addTxt(name: string, value: string) {
    this.txt.set(name.toLowerCase(), [...(this.txt.get(name.toLowerCase()) ?? []), value]);
  }

  async start() {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((ok) => this.server!.listen(this.port, '127.0.0.1', ok));
    return this;
  }

  async stop() {
    await new Promise<void>((ok) => (this.server ? this.server.close(() => ok()) : ok()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${this.port}`);
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const send = (status: number, body: unknown, type = 'application/json') => {
      res.writeHead(status, { 'content-type': type });
      res.end(JSON.stringify(body));
    };
    if (url.pathname === '/dns-query') return send(200, this.dns(url), 'application/dns-json');

    const m = url.pathname.match(/^\/client\/v4\/zones\/([^/]+)\/custom_hostnames(?:\/([^/]+))?$/);
    if (!m)
      return send(404, { success: false, errors: [{ code: 7003, message: 'No route' }], messages: [], result: null });
    const body = raw ? JSON.parse(raw) : null;
    this.requests.push({
      method: req.method ?? 'GET',
      path: url.pathname + url.search,
      authorization: req.headers.authorization,
      body,
    });
    if (req.headers.authorization !== `Bearer ${this.token}`)
      return send(403, {
        success: false,
        errors: [{ code: 10000, message: 'Authentication error' }],
        messages: [],
        result: null,
      });
    if (m[1] !== this.zoneId)
      return send(404, {
        success: false,
        errors: [{ code: 1001, message: 'Invalid zone identifier' }],
        messages: [],
        result: null,
      });
    const ok = (result: unknown) => send(200, { success: true, errors: [], messages: [], result });
    const id = m[2];

    if (req.method === 'POST' && !id) {
      const hostname = String(body?.hostname ?? '');
      if ([...this.hostnames.values()].some((h) => h.hostname === hostname))
        return send(409, {
          success: false,
          errors: [{ code: 1406, message: 'Duplicate custom hostname found.' }],
          messages: [],
          result: null,
        });
      const hid = randomUUID();
      const value = randomUUID();
      const h: Hostname = {
        id: hid,
        hostname,
        status: 'pending',
        ssl: { method: body?.ssl?.method ?? 'http', type: body?.ssl?.type ?? 'dv', status: 'initializing' },
        custom_metadata: body?.custom_metadata ?? {},
        ownership_verification: { type: 'txt', name: `_cf-custom-hostname.${hostname}`, value },
        ownership_verification_http: {
          http_url: `http://${hostname}/.well-known/cf-custom-hostname-challenge/${hid}`,
          http_body: value,
        },
        verification_errors: ['custom hostname does not CNAME to this zone.'],
        created_at: new Date().toISOString(),
      };
      this.hostnames.set(hid, h);
      return ok(h);
    }
    if (req.method === 'GET' && !id) {
      const q = url.searchParams.get('hostname');
      return ok([...this.hostnames.values()].filter((h) => !q || h.hostname === q));
    }
    const h = id ? this.hostnames.get(id) : undefined;
    if (!h)
      return send(404, {
        success: false,
        errors: [{ code: 1436, message: 'Custom hostname not found.' }],
        messages: [],
        result: null,
      });
    if (req.method === 'GET') {
      // Cloudflare re-checks the ownership record when asked.
      if ((this.txt.get(h.ownership_verification.name) ?? []).includes(h.ownership_verification.value)) {
        h.status = 'active';
        h.ssl.status = 'active';
        h.verification_errors = [];
      }
      return ok(h);
    }
    if (req.method === 'DELETE') {
      this.hostnames.delete(h.id);
      return ok({ id: h.id });
    }
    return send(405, {
      success: false,
      errors: [{ code: 10405, message: 'Method not allowed' }],
      messages: [],
      result: null,
    });
  }

  private dns(url: URL) {
    const name = (url.searchParams.get('name') ?? '').toLowerCase().replace(/\.$/, '');
    const values = url.searchParams.get('type') === 'TXT' ? (this.txt.get(name) ?? []) : [];
    return {
      Status: values.length ? 0 : 3,
      TC: false,
      RD: true,
      RA: true,
      AD: false,
      CD: false,
      Question: [{ name: `${name}.`, type: 16 }],
      ...(values.length
        ? { Answer: values.map((v) => ({ name: `${name}.`, type: 16, TTL: 300, data: JSON.stringify(v) })) }
        : {}),
    };
  }
}
