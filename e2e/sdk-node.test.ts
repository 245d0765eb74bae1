import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  createEdgeliveClient,
  type EdgeliveClient,
  paginate,
  signChatToken,
  signPlaybackToken,
  verifyWebhook,
  WebhookVerificationError,
} from '../packages/node/src/index.ts';
import { startTestStack, type TestStack } from './harness/stack.ts';
import { WebhookReceiver } from './harness/webhook-receiver.ts';

/**
 * @edgelive/node against the real Worker under `wrangler dev`: the generated client with retries
 * and idempotency keys, auto-pagination, tokens the Worker's own verifier accepts (playback and a
 * room's WebSocket), and a real webhook delivery verified with verifyWebhook.
 */
const PORT = 20801;
const HOOK_PORT = 20802;
let stack: TestStack;
let client: EdgeliveClient;
const receiver = new WebhookReceiver(HOOK_PORT);

beforeAll(async () => {
  stack = await startTestStack({ port: PORT, vars: { WEBHOOK_ALLOW_PRIVATE: 'true' } });
  client = createEdgeliveClient({ baseUrl: stack.worker.url, apiKey: stack.demo.api_key.token, retryDelayMs: 50 });
  await receiver.up();
});
afterAll(async () => {
  await receiver.down();
  await stack?.stop();
});

const key = () => ({ id: stack.demo.signing_key.id, privateKey: stack.demo.signing_key.private_key });

describe('@edgelive/node', () => {
  it('creates through the typed client, and a POST whose answer was lost is retried without a second stream', async () => {
    const { data, error } = await client.POST('/v1/streams', { body: { name: 'sdk first' } });
    expect(error).toBeUndefined();
    expect(data?.id).toMatch(/^str_/);

    // The first answer is lost on the way back (the request reached the Worker): the SDK retries
    // with the same Idempotency-Key and gets the first answer replayed.
    let lost = 0;
    const flaky = createEdgeliveClient({
      baseUrl: stack.worker.url,
      apiKey: stack.demo.api_key.token,
      retryDelayMs: 50,
      fetch: async (req) => {
        const res = await fetch(req);
        if (lost++ === 0) throw new TypeError('connection reset');
        return res;
      },
    });
    const retried = await flaky.POST('/v1/streams', { body: { name: 'sdk retried' } });
    expect(retried.response.status).toBe(201);
    expect(retried.response.headers.get('idempotent-replayed')).toBe('true');
    const all = [];
    for await (const s of paginate((cursor) => client.GET('/v1/streams', { params: { query: { cursor, limit: 1 } } })))
      all.push(s);
    expect(all.filter((s) => s.name === 'sdk retried')).toHaveLength(1);
    // limit 1: every stream came through its own page.
    expect(all.map((s) => s.name)).toEqual(expect.arrayContaining(['sdk first', 'sdk retried']));
  });

  it('signs playback tokens the Worker accepts for a signed playback id', async () => {
    const stream = (await client.POST('/v1/streams', { body: { name: 'sdk signed' } })).data!;
    const pb = (
      await client.POST('/v1/streams/{stream_id}/playback-ids', {
        params: { path: { stream_id: stream.id } },
        body: { policy: 'signed' },
      })
    ).data!;
    const url = `${stack.worker.url}/hls/${pb.id}.m3u8`;
    const without = await fetch(url);
    expect(without.status).toBe(401);
    const wrongAud = await fetch(
      `${url}?token=${await signPlaybackToken({ key: key(), playbackId: pb.id, audience: 't' })}`,
    );
    expect(wrongAud.status).toBe(403);
    const withToken = await fetch(`${url}?token=${await signPlaybackToken({ key: key(), playbackId: pb.id })}`);
    // The token is good: what is left is that the stream is not live.
    expect([401, 403]).not.toContain(withToken.status);
  });

  it('signs chat tokens a room socket accepts, as that user and role', async () => {
    const room = (await client.POST('/v1/rooms', { body: { name: 'sdk room' } })).data!;
    const token = await signChatToken({ key: key(), userId: 'sdk-user', name: 'SDK User', role: 'moderator' });
    const ws = new WebSocket(`${stack.worker.url.replace('http', 'ws')}/v1/rooms/${room.id}/ws?token=${token}`);
    const snapshot = await new Promise<{ type: string; you: { id: string; name: string; role: string } }>(
      (resolve, reject) => {
        ws.once('message', (d) => resolve(JSON.parse(d.toString())));
        ws.once('error', reject);
        ws.once('unexpected-response', (_req, res) => reject(new Error(`socket refused: ${res.statusCode}`)));
      },
    );
    ws.close();
    expect(snapshot.type).toBe('snapshot');
    expect(snapshot.you).toMatchObject({ id: 'sdk-user', name: 'SDK User', role: 'moderator' });
  });

  it('verifies a real webhook delivery, and refuses a tampered one', async () => {
    const endpoint = (
      await client.POST('/v1/webhook-endpoints', { body: { url: receiver.url, event_types: ['stream.created'] } })
    ).data!;
    receiver.secrets = [endpoint.secret];
    const stream = (await client.POST('/v1/streams', { body: { name: 'sdk hooked' } })).data!;
    const deadline = Date.now() + 30_000;
    while (!receiver.requests.some((r) => r.body.includes(stream.id)) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    const got = receiver.requests.find((r) => r.body.includes(stream.id));
    expect(got).toBeDefined();
    const headers = {
      'webhook-id': got!.id,
      'webhook-timestamp': String(got!.timestamp),
      'webhook-signature': got!.signature,
    };
    const event = verifyWebhook(got!.body, headers, ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', endpoint.secret]);
    expect(event).toMatchObject({ type: 'stream.created', object: { id: stream.id } });
    expect(() => verifyWebhook(got!.body.replace(stream.id, 'str_other'), headers, endpoint.secret)).toThrow(
      WebhookVerificationError,
    );
  });
});
