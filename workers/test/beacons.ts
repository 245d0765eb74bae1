import type { Beacon } from '@edgelive/shared/beacons';
import { call } from './helpers';

/** Beacon helpers for workerd tests: a valid beacon to vary, and a sender to post it. */
export const CHROMIUM_UA =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

let n = 0;
export function beacon(playbackId: string, over: Partial<Beacon> = {}): Beacon {
  n++;
  return {
    playback_id: playbackId,
    view_id: `view${n.toString().padStart(6, '0')}`,
    viewer_id: `viewer${n.toString().padStart(6, '0')}`,
    event: 'view_start',
    seq: 0,
    startup_ms: null,
    playing_ms: 0,
    rebuffer_count: 0,
    rebuffer_ms: 0,
    error_count: 0,
    rendition: null,
    live_latency_ms: null,
    ...over,
  };
}

export function postBeacon(b: unknown, opts: { ip?: string; type?: string; raw?: string } = {}) {
  return call('/v1/beacons', {
    method: 'POST',
    raw: opts.raw ?? JSON.stringify(b),
    headers: {
      'content-type': opts.type ?? 'text/plain;charset=UTF-8',
      'user-agent': CHROMIUM_UA,
      'sec-ch-ua': '"Chromium";v="131", "Not_A Brand";v="24"',
      ...(opts.ip ? { 'cf-connecting-ip': opts.ip } : {}),
    },
  });
}
