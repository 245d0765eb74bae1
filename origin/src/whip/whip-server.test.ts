import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MediaStreamTrack, RTCPeerConnection, useH264, useOPUS } from 'werift';
import { silentLogger } from '../log.ts';
import { WhipServer } from './whip-server.ts';

/**
 * The WHIP endpoint's HTTP contract with a real werift offer and an injected admission (the
 * agent's Worker publish call in production): refusals before anything starts, then 201 + answer
 * + Location, and DELETE ending the session. The media path is e2e/ingest-protocols.test.ts's.
 */

type ErrorBody = { error: { code: string; message: string } };

const admitted: { key: string; ticket: string }[] = [];
let server: WhipServer;
let base: string;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'whip-test-'));
  server = new WhipServer({
    host: '127.0.0.1',
    port: 0,
    // Nothing listens here: no media flows in this file, so the relay never gets to publish.
    rtmpBase: 'rtmp://127.0.0.1:9/live',
    dir,
    log: silentLogger,
    // Its own part of the WHIP range (the e2e file takes 21810-21849), so both can run at once.
    icePortRange: [21850, 21899],
    admit: async (key, _addr, ticket) => {
      if (key === 'lsk_down') throw new Error('worker unreachable');
      admitted.push({ key, ticket });
      return key === 'lsk_good';
    },
  });
  base = `http://127.0.0.1:${await server.listen()}`;
});

afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

async function offer(): Promise<{ pc: RTCPeerConnection; sdp: string }> {
  const pc = new RTCPeerConnection({ codecs: { video: [useH264()], audio: [useOPUS()] } });
  pc.addTransceiver(new MediaStreamTrack({ kind: 'video' }), { direction: 'sendonly' });
  pc.addTransceiver(new MediaStreamTrack({ kind: 'audio' }), { direction: 'sendonly' });
  await pc.setLocalDescription(await pc.createOffer());
  return { pc, sdp: pc.localDescription!.sdp };
}

const post = (body: string, headers: Record<string, string>) =>
  fetch(`${base}/whip/endpoint`, { method: 'POST', body, headers: { 'content-type': 'application/sdp', ...headers } });

describe('WHIP endpoint', () => {
  it('refuses a missing, malformed or refused key, a non-SDP body and an offer without H.264, starting nothing', async () => {
    const { pc, sdp } = await offer();
    try {
      const none = await post(sdp, {});
      expect(none.status).toBe(401);
      expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(await none.json()).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
      expect((await post(sdp, { authorization: 'Basic dXNlcjpwYXNz' })).status).toBe(401);
      expect(admitted).toEqual([]);

      const refused = await post(sdp, { authorization: 'Bearer lsk_bad' });
      expect(refused.status).toBe(401);
      expect(refused.headers.get('www-authenticate')).toContain('invalid_token');
      expect(((await refused.json()) as ErrorBody).error.code).toBe('invalid_stream_key');
      expect(admitted.map((a) => a.key)).toEqual(['lsk_bad']);
      expect(admitted[0]!.ticket).toMatch(/^whip_[0-9a-f]{24}$/);

      const down = await post(sdp, { authorization: 'Bearer lsk_down' });
      expect(down.status).toBe(503);

      const json = await fetch(`${base}/whip/endpoint`, {
        method: 'POST',
        body: JSON.stringify({ sdp }),
        headers: { 'content-type': 'application/json', authorization: 'Bearer lsk_good' },
      });
      expect(json.status).toBe(415);
      expect((await post('hello', { authorization: 'Bearer lsk_good' })).status).toBe(400);
      const av1 = await post(sdp.replaceAll('H264/90000', 'AV1/90000'), { authorization: 'Bearer lsk_good' });
      expect(av1.status).toBe(422);
      expect(((await av1.json()) as ErrorBody).error.code).toBe('offer_no_h264');
      expect((await post('v=0\r\n'.padEnd(70_000, 'a'), { authorization: 'Bearer lsk_good' })).status).toBe(413);
      expect(admitted.map((a) => a.key)).toEqual(['lsk_bad']);
      expect(server.openSessions()).toBe(0);
    } finally {
      await pc.close();
    }
  });

  it('answers a good key with 201, an SDP answer and a Location that DELETE ends', async () => {
    const { pc, sdp } = await offer();
    try {
      const res = await post(sdp, { authorization: 'Bearer lsk_good' });
      expect(res.status).toBe(201);
      expect(res.headers.get('content-type')).toBe('application/sdp');
      const location = res.headers.get('location')!;
      expect(location).toMatch(/^\/whip\/sessions\/[A-Za-z0-9_-]{22}$/);
      const answer = await res.text();
      // Every candidate is in the answer (no trickle), H.264 and Opus accepted, receive-only.
      expect(answer).toMatch(/^v=0/);
      expect(answer).toContain('a=end-of-candidates');
      expect(answer).toMatch(/a=rtpmap:\d+ H264\/90000/);
      expect(answer).toMatch(/a=rtpmap:\d+ OPUS\/48000\/2/i);
      expect(answer.match(/^a=recvonly/gm)).toHaveLength(2);
      // Host candidates only, on the configured ICE ports.
      const ports = [...answer.matchAll(/^a=candidate:\S+ 1 udp \d+ \S+ (\d+) typ (\w+)/gm)];
      expect(ports.length).toBeGreaterThan(0);
      for (const [, port, type] of ports) {
        expect(type).toBe('host');
        expect(Number(port)).toBeGreaterThanOrEqual(21850);
        expect(Number(port)).toBeLessThanOrEqual(21899);
      }
      await pc.setRemoteDescription({ type: 'answer', sdp: answer });
      expect(server.openSessions()).toBe(1);

      const session = new URL(location, base);
      expect((await fetch(session, { method: 'PATCH', body: 'a=x' })).status).toBe(405);
      expect((await fetch(session, { method: 'DELETE' })).status).toBe(200);
      expect(server.openSessions()).toBe(0);
      expect((await fetch(session, { method: 'DELETE' })).status).toBe(404);
    } finally {
      await pc.close();
    }
  });

  it('answers a CORS preflight for browser publishers', async () => {
    const res = await fetch(`${base}/whip/endpoint`, { method: 'OPTIONS' });
    expect(res.status).toBe(204);
    expect(res.headers.get('accept-post')).toBe('application/sdp');
    expect(res.headers.get('access-control-expose-headers')).toBe('location');
  });
});
