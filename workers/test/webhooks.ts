import { env, runInDurableObject } from 'cloudflare:test';
import { expect } from 'vitest';
import type { WebhookEndpointObject } from '../../durable-objects/webhook-endpoint/webhook-endpoint.do';
import { call } from './helpers';

/** A target nobody listens on: connection refused at once, so every attempt fails fast. */
export const DEAD_URL = 'http://127.0.0.1:9/hooks';

export async function createEndpoint(auth: string, body: Record<string, unknown> = {}) {
  const res = await call('/v1/webhook-endpoints', { auth, body: { url: DEAD_URL, ...body } });
  expect(res.status, res.text).toBe(201);
  return res.json as { id: string; secret: string; app_id: string };
}

export interface Captured {
  url: string;
  headers: Record<string, string>;
  body: string;
  at: number;
}

/**
 * Swaps the endpoint object's outbound fetch for `respond`, recording every request. The object
 * stays in this isolate for the test, so the closure sees every attempt the alarm makes.
 */
export async function captureDeliveries(
  endpointId: string,
  respond: (req: Captured, n: number) => Response | Promise<Response> = () => new Response('ok'),
) {
  const seen: Captured[] = [];
  const stub = env.WEBHOOKS.get(env.WEBHOOKS.idFromName(endpointId));
  await runInDurableObject(stub, (instance: WebhookEndpointObject) => {
    instance.transport = async (req) => {
      const c: Captured = {
        url: req.url,
        headers: Object.fromEntries(req.headers),
        body: await req.text(),
        at: Date.now(),
      };
      seen.push(c);
      return respond(c, seen.length);
    };
  });
  return seen;
}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | null | undefined | false> | T | null | undefined | false,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
