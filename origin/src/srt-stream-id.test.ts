import { describe, expect, it } from 'vitest';
import { readStreamId } from './srt-stream-id.ts';

describe('readStreamId', () => {
  const key = 'lsk_0123456789abcdefABCDEF';

  it('takes the bare key and the access-control form OBS and vMix send', () => {
    expect(readStreamId(key)).toEqual({ ok: true, key });
    expect(readStreamId(`#!::r=${key},m=publish`)).toEqual({ ok: true, key });
    expect(readStreamId(`#!::m=publish,u=obs,r=${key}`)).toEqual({ ok: true, key });
    // An ingest point only takes publishers: no mode means publish.
    expect(readStreamId(`#!::r=${key}`)).toEqual({ ok: true, key });
  });

  it('decodes a percent-encoded Stream ID (ffmpeg before 6.1 sends the URL text as is)', () => {
    expect(readStreamId(encodeURIComponent(`#!::r=${key},m=publish`))).toEqual({ ok: true, key });
    expect(readStreamId('%E0%A4%A')).toEqual({ ok: false, reason: 'malformed' });
  });

  it('refuses a caller that asks to play, and Stream IDs with no usable key', () => {
    expect(readStreamId(`#!::r=${key},m=request`)).toEqual({ ok: false, reason: 'not_publish' });
    expect(readStreamId(`#!::r=${key},m=bidirectional`)).toEqual({ ok: false, reason: 'not_publish' });
    expect(readStreamId(null)).toEqual({ ok: false, reason: 'missing' });
    expect(readStreamId('')).toEqual({ ok: false, reason: 'missing' });
    expect(readStreamId('#!::m=publish')).toEqual({ ok: false, reason: 'missing' });
    expect(readStreamId('#!::garbage')).toEqual({ ok: false, reason: 'malformed' });
    expect(readStreamId('key with spaces')).toEqual({ ok: false, reason: 'malformed' });
    expect(readStreamId(`#!::r=../${key},m=publish`)).toEqual({ ok: false, reason: 'malformed' });
  });
});
