import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import Stripe from 'stripe';

/**
 * A local stand-in for the parts of Stripe that the Worker's Checkout path touches (Stripe's servers
 * cannot be reached here). The Worker talks to it through the official `stripe` SDK with
 * `STRIPE_API_BASE` pointed at this server, so the SDK's own request encoding, auth header and
 * response parsing are what is exercised:
 * - `POST /v1/checkout/sessions` answers the Checkout Session shape (id, url, mode, metadata, ...)
 *   and remembers the form fields the SDK sent;
 * - `GET /pay/{id}` is the hosted payment page a browser is sent to (one "Pay" button);
 * - `POST /pay/{id}` "takes the payment": it posts `checkout.session.completed` to the Worker's
 *   webhook, signed with the SDK's own test-header helper and the webhook secret, then sends the
 *   browser to the session's `success_url`, as Stripe does;
 * - `POST /v1/billing_portal/sessions` answers a portal session, and `GET /portal/{id}` is its page:
 *   the customer it was opened for and a link back to the session's `return_url`.
 * What it does not model: prices, customers, tax, 3-D Secure, retries, or any real money.
 */
export interface StandinRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  form: URLSearchParams;
}

export class StripeStandin {
  readonly requests: StandinRequest[] = [];
  /** What the Worker's webhook answered for each event this stand-in posted. */
  readonly deliveries: { type: string; status: number; body: string }[] = [];
  private readonly sessions = new Map<string, Record<string, unknown>>();
  private server: Server | null = null;

  constructor(
    readonly port: number,
    private readonly webhook: { url: string; secret: string },
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async up(): Promise<void> {
    this.server = createServer((req, res) => {
      void this.handle(req).then(
        (a) => {
          res.writeHead(a.status, a.headers);
          res.end(a.body);
        },
        (err: unknown) => {
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: { type: 'api_error', message: String(err) } }));
        },
      );
    });
    await new Promise<void>((r) => this.server!.listen(this.port, '127.0.0.1', r));
  }

  async down(): Promise<void> {
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  private async handle(
    req: IncomingMessage,
  ): Promise<{ status: number; headers: Record<string, string>; body: string }> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const url = new URL(req.url ?? '/', this.url);
    const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
    this.requests.push({
      method: req.method ?? '',
      path: url.pathname,
      authorization: req.headers.authorization,
      form,
    });
    const json = (status: number, body: unknown) => ({
      status,
      headers: { 'content-type': 'application/json', 'request-id': `req_${randomBytes(6).toString('hex')}` },
      body: JSON.stringify(body),
    });
    if (req.method === 'POST' && url.pathname === '/v1/checkout/sessions') {
      if (!req.headers.authorization?.startsWith('Bearer sk_')) {
        return json(401, { error: { type: 'invalid_request_error', message: 'Invalid API Key provided' } });
      }
      const id = `cs_test_${randomBytes(12).toString('hex')}`;
      const metadata = Object.fromEntries(
        [...form].filter(([k]) => k.startsWith('metadata[')).map(([k, v]) => [k.slice(9, -1), v]),
      );
      const session = {
        id,
        object: 'checkout.session',
        mode: form.get('mode'),
        status: 'open',
        payment_status: 'unpaid',
        client_reference_id: form.get('client_reference_id'),
        customer: form.get('customer'),
        subscription: null,
        metadata,
        success_url: form.get('success_url'),
        cancel_url: form.get('cancel_url'),
        url: `${this.url}/pay/${id}`,
        livemode: false,
        created: Math.floor(Date.now() / 1000),
      };
      this.sessions.set(id, session);
      return json(200, session);
    }
    if (req.method === 'POST' && url.pathname === '/v1/billing_portal/sessions') {
      const id = `bps_${randomBytes(12).toString('hex')}`;
      const portal = {
        id,
        object: 'billing_portal.session',
        customer: form.get('customer'),
        return_url: form.get('return_url'),
        url: `${this.url}/portal/${id}`,
      };
      this.sessions.set(id, portal);
      return json(200, portal);
    }
    const portalPage = url.pathname.match(/^\/portal\/(bps_[0-9a-f]+)$/);
    const portal = portalPage ? this.sessions.get(portalPage[1]!) : undefined;
    if (portal && req.method === 'GET') {
      const page = `<!doctype html><title>Stand-in customer portal</title><h1>Stand-in customer portal</h1>
        <p>Customer: <code>${String(portal.customer)}</code></p>
        <a href="${String(portal.return_url)}">Return to the console</a>`;
      return { status: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, body: page };
    }
    const pay = url.pathname.match(/^\/pay\/(cs_test_[0-9a-f]+)$/);
    const session = pay ? this.sessions.get(pay[1]!) : undefined;
    if (pay && session && req.method === 'GET') {
      const page = `<!doctype html><title>Stand-in Checkout</title><h1>Stand-in Checkout</h1>
        <p>Plan: ${String((session.metadata as Record<string, string>).plan)}</p>
        <form method="post"><button type="submit">Pay</button></form>`;
      return { status: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, body: page };
    }
    if (pay && session && req.method === 'POST') {
      const completed = {
        ...session,
        status: 'complete',
        payment_status: 'paid',
        customer: session.customer ?? `cus_${randomBytes(8).toString('hex')}`,
        subscription: `sub_${randomBytes(8).toString('hex')}`,
      };
      this.sessions.set(pay[1]!, completed);
      await this.postEvent('checkout.session.completed', completed);
      return { status: 303, headers: { location: String(session.success_url) }, body: '' };
    }
    return json(404, {
      error: { type: 'invalid_request_error', message: `Unrecognized request URL (${url.pathname})` },
    });
  }

  /** An event as Stripe sends it, signed the way Stripe signs (the SDK's own test-header helper). */
  async postEvent(type: string, object: Record<string, unknown>): Promise<void> {
    const payload = JSON.stringify({
      id: `evt_${randomBytes(12).toString('hex')}`,
      object: 'event',
      api_version: '2025-01-27.acacia',
      created: Math.floor(Date.now() / 1000),
      livemode: false,
      type,
      data: { object },
    });
    const signature = await Stripe.webhooks.generateTestHeaderStringAsync({ payload, secret: this.webhook.secret });
    const res = await fetch(this.webhook.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': signature },
      body: payload,
    });
    this.deliveries.push({ type, status: res.status, body: await res.text() });
  }
}
