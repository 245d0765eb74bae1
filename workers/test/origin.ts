import { env, exports } from 'cloudflare:workers';
import { originAuthorization } from '@edgelive/shared/origin-protocol';
import { expect } from 'vitest';
import { BASE, call } from './helpers';

/** The development origins (scripts/lib/local-secrets.ts), as the agent would sign with them. */
export const ORIGINS = {
  orig_local: 'dev-only-origin-secret-local-0123456789abcdef',
  orig_local2: 'dev-only-origin-secret-local2-0123456789abcdef',
} as const;

export interface OriginCallOptions {
  method?: string;
  body?: unknown;
  raw?: BodyInit;
  origin?: keyof typeof ORIGINS;
  /** Override the signing (tests of refusals). */
  authorization?: string;
}

/** Calls an internal origin endpoint signed like the agent signs it. */
export async function originCall(path: string, opts: OriginCallOptions = {}) {
  const method = opts.method ?? (opts.body !== undefined || opts.raw !== undefined ? 'POST' : 'GET');
  const origin = opts.origin ?? 'orig_local';
  const headers: Record<string, string> = {
    authorization: opts.authorization ?? (await originAuthorization(origin, ORIGINS[origin], method, path)),
  };
  let body = opts.raw;
  if (opts.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  const res = await exports.default.fetch(new Request(`${BASE}${path}`, { method, headers, body }));
  const text = await res.text();
  let json: any = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  return { status: res.status, headers: res.headers, json, text };
}

export interface LiveStream {
  id: string;
  stream_key: string;
  playback_ids: { id: string; policy: string }[];
  [k: string]: unknown;
}

/** A stream created through the API by a tenant's key. */
export async function createStream(keyToken: string, body: Record<string, unknown> = {}) {
  const res = await call('/v1/streams', { auth: keyToken, body });
  expect(res.status, res.text).toBe(201);
  return res.json as LiveStream;
}

export async function publish(streamKey: string, origin: keyof typeof ORIGINS = 'orig_local') {
  return originCall('/internal/origin/publish', { body: { stream_key: streamKey, client_ip: '198.51.100.7' }, origin });
}

export const sessionPath = (streamId: string, sessionId: string) =>
  `/internal/origin/streams/${streamId}/sessions/${sessionId}`;

/** Bytes that look like a TS segment (sync byte every 188 bytes) and name themselves. */
export function fakeSegment(label: string, packets = 4): Uint8Array {
  const out = new Uint8Array(188 * packets);
  const tag = new TextEncoder().encode(label);
  for (let p = 0; p < packets; p++) {
    out[p * 188] = 0x47;
    out.set(tag.slice(0, 180), p * 188 + 4);
  }
  return out;
}

export async function uploadSegment(
  streamId: string,
  sessionId: string,
  rendition: string,
  sequence: number,
  opts: {
    duration?: number;
    pdt?: Date;
    origin?: keyof typeof ORIGINS;
    bytes?: Uint8Array;
    discontinuity?: boolean;
  } = {},
) {
  const duration = opts.duration ?? 2;
  const pdt = (opts.pdt ?? new Date(Date.UTC(2026, 0, 1, 12, 0, sequence * duration))).toISOString();
  // Encoded the way the agent encodes it (URLSearchParams: `:` becomes %3A), and signed as sent.
  const q = new URLSearchParams({ duration: duration.toFixed(3), pdt });
  if (opts.discontinuity) q.set('discontinuity', '1');
  const path = `${sessionPath(streamId, sessionId)}/renditions/${rendition}/segments/${sequence}?${q}`;
  return originCall(path, {
    method: 'PUT',
    raw: opts.bytes ?? fakeSegment(`${rendition}-${sequence}`),
    origin: opts.origin,
  });
}

/** The stream's Durable Object, as the Worker addresses it (core/stubs.ts). */
export const streamStubOf = (streamId: string) => env.STREAM.get(env.STREAM.idFromName(streamId));

/** The types of the events recorded about an object, oldest first. */
export async function eventTypes(objectId: string) {
  const { results } = await env.DB.prepare('SELECT type FROM events WHERE object_id = ? ORDER BY created_at, rowid')
    .bind(objectId)
    .all<{ type: string }>();
  return results.map((r) => r.type);
}
