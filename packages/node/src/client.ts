import createClient, { type Client, type ClientOptions } from 'openapi-fetch';
import type { paths } from './schema.js';

export interface EdgeliveOptions {
  /** Your deployment, e.g. `https://api.example.com` (no trailing `/v1`). */
  baseUrl: string;
  /** An API key as `<key_id>:<secret>` (the `token` the console shows once). */
  apiKey: string;
  /** Retries of a request that failed on the network, with 429 or with a 5xx (default 2). */
  maxRetries?: number;
  /** The first retry waits this long, doubling after (default 500 ms); `Retry-After` wins when longer. */
  retryDelayMs?: number;
  /** Another fetch (tests, proxies); defaults to the global one. */
  fetch?: typeof fetch;
}

export type EdgeliveClient = Client<paths>;

const RETRIED = new Set([408, 409, 429, 500, 502, 503, 504]);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A fetch that retries what is safe to retry. Every POST gets an `Idempotency-Key` (unless the
 * caller set one) before the first attempt, and keeps it on every retry, so a POST whose answer
 * was lost on the way back is not done twice: the API replays the first answer for 24 hours.
 * 409 is retried because it is what a retry gets while the first attempt is still running.
 */
export function retryingFetch(opts: Pick<EdgeliveOptions, 'maxRetries' | 'retryDelayMs' | 'fetch'> = {}) {
  const base = opts.fetch ?? globalThis.fetch;
  const maxRetries = opts.maxRetries ?? 2;
  const delay = opts.retryDelayMs ?? 500;
  return async (input: Request): Promise<Response> => {
    const request = input.clone();
    if (request.method === 'POST' && !request.headers.has('Idempotency-Key')) {
      request.headers.set('Idempotency-Key', crypto.randomUUID());
    }
    // The body can be read once per Request: keep it and build each attempt from it.
    const body = request.body ? await request.arrayBuffer() : undefined;
    for (let attempt = 0; ; attempt++) {
      const last = attempt >= maxRetries;
      try {
        const res = await base(new Request(request, { body }));
        if (last || !RETRIED.has(res.status)) return res;
        // A 409 that is not about a running first attempt is a real conflict: not retried.
        if (res.status === 409 && !request.headers.has('Idempotency-Key')) return res;
        const after = Number(res.headers.get('retry-after'));
        await sleep(Math.max(delay * 2 ** attempt, Number.isFinite(after) ? after * 1000 : 0));
      } catch (err) {
        if (last) throw err;
        await sleep(delay * 2 ** attempt);
      }
    }
  };
}

/**
 * The typed API client (generated from the API's OpenAPI document by openapi-typescript, called
 * through openapi-fetch): `client.GET('/v1/streams')`, `client.POST('/v1/streams', { body })`,
 * each with the path's own parameter, body and answer types.
 */
export function createEdgeliveClient(opts: EdgeliveOptions): EdgeliveClient {
  const clientOpts: ClientOptions = {
    baseUrl: opts.baseUrl.replace(/\/+$/, ''),
    headers: { Authorization: `Bearer ${opts.apiKey}` },
    fetch: retryingFetch(opts),
  };
  return createClient<paths>(clientOpts);
}
