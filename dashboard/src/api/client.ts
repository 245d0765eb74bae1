import createClient from 'openapi-fetch';
import { ApiRequestError } from './errors';
import type { components, paths } from './schema';

export type Schemas = components['schemas'];

/**
 * Where the Worker lives. Empty means "this origin": the dev server and `serve.ts` proxy the API
 * paths, which keeps the session cookie first-party. A Pages deployment on another origin sets
 * VITE_API_URL at build time (and the Worker's CORS echoes the origin with credentials).
 */
export const API_ORIGIN: string = import.meta.env.VITE_API_URL ?? '';

// `fetch` is looked up per call, not captured at import, so tests (and polyfills) can replace it.
export const api = createClient<paths>({
  baseUrl: API_ORIGIN,
  credentials: 'include',
  fetch: (req) => globalThis.fetch(req),
});

interface FetchResult<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** Turns openapi-fetch's `{data, error}` into a value or a thrown ApiRequestError, for TanStack Query. */
export async function unwrap<T>(call: Promise<FetchResult<T>>): Promise<T> {
  const { data, error, response } = await call;
  if (error !== undefined || !response.ok) throw ApiRequestError.from(response.status, error);
  return data as T;
}

/** For 204 answers, where there is no body to return. */
export async function expectOk(call: Promise<{ error?: unknown; response: Response }>): Promise<void> {
  const { error, response } = await call;
  if (error !== undefined || !response.ok) throw ApiRequestError.from(response.status, error);
}
