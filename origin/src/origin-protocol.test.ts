import { createHmac } from 'node:crypto';
import {
  originAuthorization,
  parseOriginAuthorization,
  publishAnswerSchema,
  originSignature as signOriginRequest,
} from '@edgelive/shared/origin-protocol';
import { describe, expect, it } from 'vitest';

describe('origin request signature', () => {
  it('signs "<ts>\\n<METHOD>\\n<path with query>" with HMAC-SHA256, base64url without padding', async () => {
    const path =
      '/internal/origin/streams/str_1/sessions/ses_1/renditions/720p/segments/7?duration=2.000&pdt=2026-01-01T00%3A00%3A00.000Z';
    const expected = createHmac('sha256', 'topsecret')
      .update(`1767225600\nPUT\n${path}`)
      .digest('base64')
      .replace(/\+/g, '-')
      .replace(/\//g, '_')
      .replace(/=+$/, '');
    expect(await signOriginRequest('topsecret', 1767225600, 'put', path)).toBe(expected);
    expect(expected).not.toMatch(/[=+/]/);
  });

  it('matches a fixed vector (so the Worker side can pin the same one)', async () => {
    expect(await signOriginRequest('s3cret', 1700000000, 'POST', '/internal/origin/publish')).toBe(
      createHmac('sha256', 's3cret').update('1700000000\nPOST\n/internal/origin/publish').digest('base64url'),
    );
    expect(await signOriginRequest('s3cret', 1700000000, 'POST', '/internal/origin/publish')).toMatchInlineSnapshot(
      `"90zZZJQjfzGBCdaX8cbgaQc-0E1ZXc8erqfLPUN2PeE"`,
    );
  });

  it('builds the Authorization header with id, unix seconds and signature', async () => {
    const header = await originAuthorization(
      'orig_local',
      's3cret',
      'GET',
      '/internal/origin/streams/str_1/status',
      1700000000,
    );
    expect(header).toBe(
      `EdgeliveOrigin id=orig_local,ts=1700000000,sig=${await signOriginRequest('s3cret', 1700000000, 'GET', '/internal/origin/streams/str_1/status')}`,
    );
    expect(parseOriginAuthorization(header)).toEqual({
      id: 'orig_local',
      ts: 1700000000,
      sig: await signOriginRequest('s3cret', 1700000000, 'GET', '/internal/origin/streams/str_1/status'),
    });
  });
});

describe('publish answer', () => {
  const answer = {
    stream_id: 'str_abcdefghijkl',
    session_id: 'lsn_abcdefghijkl',
    resumed: false,
    latency_mode: 'standard',
    segment_duration_s: 2,
    ladder: [{ name: 'source' }],
    recording: false,
    reconnect_window_s: 60,
  };

  it('refuses ids the agent could not safely use as directory names', () => {
    expect(publishAnswerSchema.safeParse(answer).success).toBe(true);
    for (const bad of ['../../etc', 'str_abc/../../x', 'str_abcdefghijkl/..', '', 'lsn_abcdefghijkl'])
      expect(publishAnswerSchema.safeParse({ ...answer, stream_id: bad }).success, bad).toBe(false);
    expect(publishAnswerSchema.safeParse({ ...answer, session_id: '../str_abcdefghijkl' }).success).toBe(false);
  });
});
