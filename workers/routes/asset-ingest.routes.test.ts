import { describe, expect, it } from 'vitest';
import { call, expectError, tenant } from '../test/helpers';
import { originCall } from '../test/origin';

/** `POST /v1/assets {input}`: a URL ingest is an asset `preparing` whose transcode job names the URL. */
describe('URL ingest', () => {
  it('creates a preparing asset and queues a transcode job that fetches the URL', async () => {
    const t = await tenant();
    const res = await call('/v1/assets', {
      auth: t.key.token,
      body: {
        input: 'https://media.example.com/talk.mp4',
        ladder: ['480p', '240p'],
        playback_policies: ['signed'],
        passthrough: 'p1',
      },
    });
    expect(res.status, res.text).toBe(201);
    expect(res.json).toMatchObject({
      status: 'preparing',
      source: { type: 'upload', upload_id: null, input_url: 'https://media.example.com/talk.mp4' },
      passthrough: 'p1',
      playback_ids: [{ policy: 'signed' }],
    });
    const lease = await originCall('/internal/media-jobs/lease', { method: 'POST' });
    expect(lease.json.job.spec).toEqual({
      kind: 'transcode',
      asset_id: res.json.id,
      input: { type: 'url', url: 'https://media.example.com/talk.mp4' },
      ladder: ['480p', '240p'],
      segment_seconds: 4,
    });
    // The Worker serves no input for it: the media worker fetches the URL itself.
    const input = await originCall(
      `/internal/media-jobs/${lease.json.job.id}/input/source?lease_id=${lease.json.lease_id}`,
    );
    expect(input.status).toBe(404);
    // A URL the worker cannot fetch fails for good: the asset says why.
    await originCall(`/internal/media-jobs/${lease.json.job.id}/fail`, {
      body: { lease_id: lease.json.lease_id, reason: 'Error: input_unreachable: answered 404', retryable: false },
    });
    const errored = await call(`/v1/assets/${res.json.id}`, { auth: t.key.token });
    expect(errored.json).toMatchObject({ status: 'errored', error: { reason: 'input_unreachable: answered 404' } });
  });

  it('refuses URLs it will not fetch, and creates nothing', async () => {
    const t = await tenant();
    for (const input of [
      'ftp://media.example.com/a.mp4',
      'http://media.example.com/a.mp4',
      'not a url',
      'https://u:p@media.example.com/a.mp4',
    ])
      expectError(await call('/v1/assets', { auth: t.key.token, body: { input } }), 400, 'invalid_input_url');
    expectError(
      await call('/v1/assets', { auth: t.key.token, body: { input: 'https://a.example/x', ladder: ['9000p'] } }),
      400,
    );
    // Loopback is allowed outside production (the tests serve files on 127.0.0.1).
    expect((await call('/v1/assets', { auth: t.key.token, body: { input: 'http://127.0.0.1:9/a.mp4' } })).status).toBe(
      201,
    );
    const list = await call('/v1/assets', { auth: t.key.token });
    expect(list.json.data).toHaveLength(1);
  });
});
