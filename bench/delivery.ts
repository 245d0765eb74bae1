/**
 * Delivery cost of segments through the Worker (wrangler dev, local workerd, local R2):
 *
 *   node bench/delivery.ts [--seconds 8] [--concurrency 16] [--viewers 200]
 *
 * 1. Requests/s and p50/p99 for one cached 1 MB segment, public against signed. Signed is measured
 *    twice: with the grant the playlists hand out (one HMAC per request: what players do) and with
 *    the customer's JWT on every segment (one RS256 verify per request: what grants avoid).
 * 2. Fan-in: `viewers` concurrent requests for a segment nobody asked for yet, then as many again;
 *    the fraction that read R2 (`x-edgelive-cache: MISS`).
 * 3. Usage metering on against off (issue 15): a second Worker with `USAGE_METERING=off`, the same
 *    stream on both, segment and media-playlist requests/s in interleaved rounds; the ratio
 *    metered / unmetered (goal: at least 0.95). `--metering-only` runs just this part.
 * On a shared 2-core machine absolute figures move with the load (printed); the ratios are the point.
 */
import { createHmac } from 'node:crypto';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { importPKCS8, SignJWT } from 'jose';
import { type ApiClient, startTestStack } from '../e2e/harness/stack.ts';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '8' },
    concurrency: { type: 'string', default: '16' },
    viewers: { type: 'string', default: '200' },
    port: { type: 'string', default: '8962' },
    kb: { type: 'string', default: '64' },
    rounds: { type: 'string', default: '3' },
    'metering-only': { type: 'boolean', default: false },
  },
});
const SECONDS = Number(values.seconds);
const CONCURRENCY = Number(values.concurrency);
const VIEWERS = Number(values.viewers);
const KB = Number(values.kb);
const ROUNDS = Number(values.rounds);
const ORIGIN = { id: 'orig_local', secret: 'dev-only-origin-secret-local-0123456789abcdef' };

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN;
};

const stack = await startTestStack({ port: Number(values.port) });
const base = stack.worker.url;

/** Signed like the agent signs (docs/origin-protocol.md). */
async function originFetch(
  method: string,
  pathWithQuery: string,
  body?: Uint8Array<ArrayBuffer> | string,
  to: string = base,
) {
  const ts = Math.floor(Date.now() / 1000);
  const sig = createHmac('sha256', ORIGIN.secret).update(`${ts}\n${method}\n${pathWithQuery}`).digest('base64url');
  const res = await fetch(`${to}${pathWithQuery}`, {
    method,
    headers: {
      authorization: `EdgeliveOrigin id=${ORIGIN.id},ts=${ts},sig=${sig}`,
      ...(typeof body === 'string' ? { 'content-type': 'application/json' } : {}),
    },
    body,
  });
  if (res.status >= 300) throw new Error(`${method} ${pathWithQuery} -> ${res.status} ${await res.text()}`);
  return res.status === 204 ? null : ((await res.json().catch(() => null)) as Record<string, unknown> | null);
}

/** A segment-shaped body (TS sync bytes) of about `kb` KB, distinct per sequence. */
function segment(seq: number): Uint8Array<ArrayBuffer> {
  const b = new Uint8Array(188 * Math.ceil((KB * 1024) / 188));
  for (let i = 0; i < b.length; i += 188) {
    b[i] = 0x47;
    b[i + 4] = seq & 0xff;
  }
  return b;
}

interface Run {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

interface Samples {
  lat: number[];
  wall: number;
  errors: number;
}

async function load(url: string, seconds: number, into: Samples): Promise<void> {
  const { lat } = into;
  const end = Date.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (Date.now() < end) {
        const t = performance.now();
        const res = await fetch(url);
        await res.arrayBuffer();
        if (res.status !== 200) into.errors++;
        lat.push(performance.now() - t);
      }
    }),
  );
  into.wall += (performance.now() - started) / 1000;
}

async function signedAndFanIn() {
  const s = await stack.api.call<{ id: string; stream_key: string; playback_ids: { id: string; policy: string }[] }>(
    'POST',
    '/v1/streams',
    { playback_policies: ['public', 'signed'], ladder: ['source'] },
  );
  const pub = s.playback_ids.find((p) => p.policy === 'public')!.id;
  const signed = s.playback_ids.find((p) => p.policy === 'signed')!.id;
  const answer = (await originFetch('POST', '/internal/origin/publish', JSON.stringify({ stream_key: s.stream_key })))!;
  const session = answer.session_id as string;
  for (let seq = 0; seq < 3; seq++) {
    const q = new URLSearchParams({ duration: '2.000', pdt: new Date(Date.now() - (3 - seq) * 2000).toISOString() });
    await originFetch(
      'PUT',
      `/internal/origin/streams/${s.id}/sessions/${session}/renditions/source/segments/${seq}?${q}`,
      segment(seq),
    );
  }

  const key = await importPKCS8(stack.demo.signing_key.private_key, 'RS256');
  const jwt = await new SignJWT({ sub: signed, aud: 'v' })
    .setProtectedHeader({ alg: 'RS256', kid: stack.demo.signing_key.id })
    .setExpirationTime(Math.floor(Date.now() / 1000) + 3600)
    .sign(key);
  // What a player does: master with the token, media playlist with its grant, segments with theirs.
  const master = await (await fetch(`${base}/hls/${signed}.m3u8?token=${jwt}`)).text();
  const mediaUrl = new URL(master.trim().split('\n').pop()!, `${base}/hls/${signed}.m3u8`);
  const media = await (await fetch(mediaUrl)).text();
  const grantedSeg = new URL(media.trim().split('\n').pop()!, mediaUrl).toString();

  const urls = {
    public: `${base}/hls/${pub}/${session}/source/2.ts`,
    'signed (grant)': grantedSeg,
    'signed (JWT each)': `${base}/hls/${signed}/${session}/source/2.ts?token=${jwt}`,
  };
  for (const u of Object.values(urls)) {
    const r = await fetch(u);
    await r.arrayBuffer();
    if (r.status !== 200) throw new Error(`warm-up ${u} -> ${r.status}`);
  }

  console.log(
    `\nsegment delivery, ${KB} KB segment, cached; ${CONCURRENCY} concurrent clients, ${SECONDS} s per kind in ${ROUNDS} interleaved rounds`,
  );
  console.log(
    `load average before: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  // Interleaved rounds, so that a burst of load from elsewhere on the machine hits every kind alike.
  const samples = Object.fromEntries(Object.keys(urls).map((k) => [k, { lat: [], wall: 0, errors: 0 } as Samples]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, url] of Object.entries(urls)) await load(url, SECONDS / ROUNDS, samples[name]!);
  }
  const results: Record<string, Run> = {};
  for (const name of Object.keys(urls)) {
    const x = samples[name]!;
    results[name] = { rps: x.lat.length / x.wall, p50: pct(x.lat, 50), p99: pct(x.lat, 99), errors: x.errors };
    const r = results[name]!;
    console.log(
      `${name.padEnd(18)} ${r.rps.toFixed(0).padStart(6)} req/s   p50 ${r.p50.toFixed(1)} ms   p99 ${r.p99.toFixed(1)} ms   errors ${r.errors}`,
    );
  }
  const ratio = (a: string) => results[a]!.rps / results.public!.rps;
  console.log(`signed (grant) / public throughput: ${ratio('signed (grant)').toFixed(2)}`);
  console.log(`signed (JWT each) / public throughput: ${ratio('signed (JWT each)').toFixed(2)}`);

  // Fan-in: a fresh segment, asked for by many viewers at once, then again.
  const fresh = `${base}/hls/${pub}/${session}/source/1.ts`;
  const wave = async () => {
    const kinds = await Promise.all(
      Array.from({ length: VIEWERS }, async () => {
        const r = await fetch(fresh);
        await r.arrayBuffer();
        return r.headers.get('x-edgelive-cache') ?? 'none';
      }),
    );
    return kinds.filter((k) => k === 'MISS').length;
  };
  const first = await wave();
  const second = await wave();
  console.log(
    `\nfan-in: ${VIEWERS} concurrent viewers on an uncached segment, twice: ${first} + ${second} of ${2 * VIEWERS} read R2 ` +
      `(${(((first + second) / (2 * VIEWERS)) * 100).toFixed(2)}%)`,
  );
}

/** One public stream with three 2-second segments on a Worker; its segment and media playlist URLs. */
async function publicStream(api: ApiClient, to: string) {
  const s = await api.call<{ id: string; stream_key: string; playback_ids: { id: string }[] }>('POST', '/v1/streams', {
    playback_policies: ['public'],
    ladder: ['source'],
  });
  const answer = (await originFetch(
    'POST',
    '/internal/origin/publish',
    JSON.stringify({ stream_key: s.stream_key }),
    to,
  ))!;
  const session = answer.session_id as string;
  for (let seq = 0; seq < 3; seq++) {
    const q = new URLSearchParams({ duration: '2.000', pdt: new Date(Date.now() - (3 - seq) * 2000).toISOString() });
    const path = `/internal/origin/streams/${s.id}/sessions/${session}/renditions/source/segments/${seq}?${q}`;
    await originFetch('PUT', path, segment(seq), to);
  }
  const pb = s.playback_ids[0]!.id;
  const master = await (await fetch(`${to}/hls/${pb}.m3u8`)).text();
  const playlist = new URL(master.trim().split('\n').pop()!, `${to}/hls/${pb}.m3u8`).toString();
  return { segment: `${to}/hls/${pb}/${session}/source/2.ts`, playlist };
}

/** Delivered seconds the Worker counted for its demo app today (after the recorder's flush). */
async function deliveredSeconds(api: ApiClient): Promise<number> {
  const u = await api.call<{ totals: Record<string, number> }>(
    'GET',
    '/v1/usage?granularity=day&meter=delivered_seconds',
  );
  return u.totals.delivered_seconds ?? 0;
}

async function meteringOnOff() {
  const off = await startTestStack({ port: Number(values.port) + 1, vars: { USAGE_METERING: 'off' } });
  try {
    const on = await publicStream(stack.api, base);
    const unmetered = await publicStream(off.api, off.worker.url);
    const urls = {
      'segment, metered': on.segment,
      'segment, unmetered': unmetered.segment,
      'playlist, metered': on.playlist,
      'playlist, unmetered': unmetered.playlist,
    };
    for (const u of Object.values(urls)) {
      const r = await fetch(u);
      await r.arrayBuffer();
      if (r.status !== 200) throw new Error(`warm-up ${u} -> ${r.status}`);
    }
    // The warm-up's (and earlier sections') counts reach D1 with the recorder's flush a second later.
    await new Promise((r) => setTimeout(r, 2500));
    const countedBefore = await deliveredSeconds(stack.api);
    console.log(
      `\nusage metering on vs off: two Workers, the same stream; ${CONCURRENCY} concurrent clients, ${SECONDS} s per kind in ${ROUNDS} interleaved rounds`,
    );
    console.log(
      `load average before: ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
    const samples = Object.fromEntries(Object.keys(urls).map((k) => [k, { lat: [], wall: 0, errors: 0 } as Samples]));
    for (let round = 0; round < ROUNDS; round++) {
      // Alternate which side goes first, so neither always runs right after the other's burst.
      const order = Object.entries(urls);
      if (round % 2) order.reverse();
      for (const [name, url] of order) await load(url, SECONDS / ROUNDS, samples[name]!);
    }
    const rps: Record<string, number> = {};
    for (const [name, x] of Object.entries(samples)) {
      rps[name] = x.lat.length / x.wall;
      console.log(
        `${name.padEnd(20)} ${rps[name]!.toFixed(0).padStart(6)} req/s   p50 ${pct(x.lat, 50).toFixed(1)} ms   p99 ${pct(x.lat, 99).toFixed(1)} ms   errors ${x.errors}`,
      );
    }
    const segRatio = rps['segment, metered']! / rps['segment, unmetered']!;
    const plRatio = rps['playlist, metered']! / rps['playlist, unmetered']!;
    console.log(
      `segments metered / unmetered: ${segRatio.toFixed(3)} ${segRatio >= 0.95 ? 'PASS' : 'FAIL'} (goal >= 0.95)`,
    );
    console.log(
      `playlists metered / unmetered: ${plRatio.toFixed(3)} ${plRatio >= 0.95 ? 'PASS' : 'FAIL'} (goal >= 0.95)`,
    );
    // The metered side really counted: every segment served is 2 s delivered (after the ~1 s flush).
    const served = samples['segment, metered']!.lat.length;
    await new Promise((r) => setTimeout(r, 2500));
    const counted = (await deliveredSeconds(stack.api)) - countedBefore;
    const offCounted = await deliveredSeconds(off.api);
    console.log(
      `delivered seconds counted: metered ${counted.toFixed(0)} for ${served} segments served (expected ${served * 2}); unmetered ${offCounted}`,
    );
  } finally {
    await off.stop();
  }
}

try {
  if (!values['metering-only']) await signedAndFanIn();
  await meteringOnOff();
} finally {
  await stack.stop();
}
