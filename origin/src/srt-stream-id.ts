/**
 * What an SRT caller's Stream ID says: the stream key and whether it publishes. Two forms:
 * the bare key (`srt://host:port?streamid=<key>`, what most guides tell OBS users), and the SRT
 * Access Control form (`#!::r=<key>,m=publish`, what OBS, vMix and Haivision gear send), where
 * `r` is the resource, `m` the mode (publish, request, bidirectional) and `u` a user name.
 */
export type StreamIdReading =
  | { ok: true; key: string }
  | { ok: false; reason: 'missing' | 'not_publish' | 'malformed' };

const KEY = /^[A-Za-z0-9_-]{1,200}$/;

export function readStreamId(raw: string | null): StreamIdReading {
  if (raw === null || raw === '') return { ok: false, reason: 'missing' };
  // FFmpeg before 6.1 sends `streamid=` exactly as written in the URL, so a publisher that
  // percent-encoded `#!::r=...` (as a URL should) arrives encoded; keys never contain '%'.
  let streamId = raw;
  try {
    if (raw.includes('%')) streamId = decodeURIComponent(raw);
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (!streamId.startsWith('#!::'))
    return KEY.test(streamId) ? { ok: true, key: streamId } : { ok: false, reason: 'malformed' };
  const fields = new Map<string, string>();
  for (const pair of streamId.slice(4).split(',')) {
    const eq = pair.indexOf('=');
    if (eq <= 0) return { ok: false, reason: 'malformed' };
    fields.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
  }
  // The spec's default mode is request (play); an ingest point only takes publishers, so a caller
  // that names no mode is taken to publish (OBS and vMix always send m=publish).
  const mode = fields.get('m') ?? 'publish';
  if (mode !== 'publish') return { ok: false, reason: 'not_publish' };
  const key = fields.get('r') ?? '';
  return KEY.test(key) ? { ok: true, key } : { ok: false, reason: key ? 'malformed' : 'missing' };
}
