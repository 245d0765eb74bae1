import { describe, expect, it } from 'vitest';
import { chatTenant, join, openSocket, say } from '../../workers/test/rooms';

/** Whatever a client sends, the room answers with an `invalid` (or similar) frame and keeps going. */
const FRAMES: unknown[] = [
  'not json',
  '',
  '{',
  'null',
  '42',
  '"send"',
  '[]',
  '{}',
  '{"type":"nope"}',
  '{"type":1}',
  { type: 'send' },
  { type: 'send', client_id: 'x' },
  { type: 'send', client_id: 'x', text: '' },
  { type: 'send', client_id: 'x', text: 42 },
  { type: 'send', client_id: '', text: 'hi' },
  { type: 'send', client_id: 'x'.repeat(65), text: 'hi' },
  { type: 'send', client_id: 'y', text: 'hi', extra: true },
  { type: 'send', client_id: 'z', text: 'x'.repeat(5000) },
  { type: 'send', client_id: 'w', text: '   ' },
  { type: 'send', client_id: 'v', text: 'hi', reply_to: 'msg_missing' },
  { type: 'edit', message_id: 'msg_missing', text: 'x' },
  { type: 'delete', message_id: 'nope' },
  { type: 'react', message_id: 'nope', emoji: '👍' },
  { type: 'react', message_id: 'x', emoji: 'x'.repeat(40) },
  { type: 'burst', emoji: '' },
  { type: 'burst', emoji: '👍', count: 1e9 },
  { type: 'typing', on: 'yes' },
  { type: 'history', limit: 0 },
  { type: 'history', before: 'msg_nope' },
  { type: 'flag', message_id: 'msg_x' },
  { type: 'moderate', action: 'ban', user_id: 'x' },
  { type: 'moderate', action: 'explode', user_id: 'x' },
  { type: '__proto__' },
  '{"type":"send","client_id":"p","text":"hi","__proto__":{"admin":true}}',
  'x'.repeat(20_000),
];

describe('malformed frames and requests', () => {
  it('answers every malformed frame with an error frame and keeps the socket and room working', async () => {
    const t = await chatTenant();
    const room = await t.createRoom();
    const a = await join(room.id, { token: await t.tokenFor('a') });
    const b = await join(room.id, { token: await t.tokenFor('b') });
    for (const f of FRAMES) {
      a.s.send(typeof f === 'string' ? f : JSON.stringify(f));
      const e = await a.s.next('error');
      expect(['invalid', 'not_found', 'forbidden'], JSON.stringify([f, e])).toContain(e.code);
      // Pace below the connection limit: this test is about parsing, not flooding.
      await new Promise((r) => setTimeout(r, 70));
    }
    a.s.ws.send(new Uint8Array([1, 2, 3]));
    expect(await a.s.next('error')).toMatchObject({ code: 'invalid' });
    expect(a.s.closed).toBeNull();
    const ok = await say(a.s, 'still here');
    expect((await b.s.next('message')).message.id).toBe(ok.id);
    await b.s.none('error', 0);
  });

  it('refuses bad upgrades and bad tokens with 4xx envelopes, never 5xx', async () => {
    const t = await chatTenant();
    const room = await t.createRoom();
    const other = await chatTenant();
    const cases: [string, Promise<Response>, number, string][] = [
      ['no token', openSocket(room.id), 401, 'token_missing'],
      ['garbage token', openSocket(room.id, { token: 'abc' }), 401, 'token_malformed'],
      ['wrong audience', openSocket(room.id, { token: await t.tokenFor('u', {}, 'v') }), 403, 'wrong_audience'],
      ['another app’s key', openSocket(room.id, { token: await other.tokenFor('u') }), 403, 'wrong_app'],
      ['bad role', openSocket(room.id, { token: await t.tokenFor('u', { role: 'god' }) }), 401, 'token_malformed'],
      ['bad sub', openSocket(room.id, { token: await t.tokenFor('has space') }), 401, 'token_malformed'],
      ['unknown room', openSocket('room_doesnotexist0000', { token: await t.tokenFor('u') }), 404, 'not_found'],
      ['not a room id', openSocket('str_abc', { token: await t.tokenFor('u') }), 404, 'not_found'],
      [
        'bad since',
        openSocket(room.id, { token: await t.tokenFor('u'), since: 'x'.repeat(100) }),
        400,
        'invalid_request',
      ],
    ];
    for (const [name, p, status, code] of cases) {
      const res = await p;
      expect(res.status, name).toBe(status);
      expect(((await res.json()) as { error: { code: string } }).error.code, name).toBe(code);
    }
    const { call } = await import('../../workers/test/helpers');
    const plain = await call(`/v1/rooms/${room.id}/ws`);
    expect(plain.status).toBe(426);
  });
});
