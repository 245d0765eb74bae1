import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { originAuthorization, signOriginRequest } from './hmac.ts';

describe('origin request signature', () => {
  it('signs "<ts>\\n<METHOD>\\n<path with query>" with HMAC-SHA256, base64url without padding', () => {
    const path =
      '/internal/origin/streams/str_1/sessions/ses_1/renditions/720p/segments/7?duration=2.000&pdt=2026-01-01T00%3A00%3A00.000Z';
    const expected = createHmac('sha256', 'topsecret')
      .update(`1767225600\nPUT\n${path}`)
      .digest('base64')
      .replace(/\+/g, '-')
      .replace(/\//g, '_')
      .replace(/=+$/, '');
    expect(signOriginRequest('topsecret', 1767225600, 'put', path)).toBe(expected);
    expect(expected).not.toMatch(/[=+/]/);
  });

  it('matches a fixed vector (so the Worker side can pin the same one)', () => {
    expect(signOriginRequest('s3cret', 1700000000, 'POST', '/internal/origin/publish')).toBe(
      createHmac('sha256', 's3cret').update('1700000000\nPOST\n/internal/origin/publish').digest('base64url'),
    );
    expect(signOriginRequest('s3cret', 1700000000, 'POST', '/internal/origin/publish')).toMatchInlineSnapshot(
      `"90zZZJQjfzGBCdaX8cbgaQc-0E1ZXc8erqfLPUN2PeE"`,
    );
  });

  it('builds the Authorization header with id, unix seconds and signature', () => {
    const header = originAuthorization(
      'orig_local',
      's3cret',
      'GET',
      '/internal/origin/streams/str_1/status',
      new Date(1700000000_999),
    );
    expect(header).toBe(
      `EdgeliveOrigin id=orig_local,ts=1700000000,sig=${signOriginRequest('s3cret', 1700000000, 'GET', '/internal/origin/streams/str_1/status')}`,
    );
  });
});
