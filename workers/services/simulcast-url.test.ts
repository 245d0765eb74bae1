import { describe, expect, it } from 'vitest';
import { splitTargetUrl } from './simulcast-url';

const dev = { ENVIRONMENT: 'development', WEBHOOK_ALLOW_PRIVATE: 'true' };
const prod = { ENVIRONMENT: 'production', WEBHOOK_ALLOW_PRIVATE: 'true' };

describe('simulcast target URLs', () => {
  it('splits the key off the last segment only when asked, and keeps one-segment URLs whole', () => {
    expect(splitTargetUrl('rtmp://a.rtmp.youtube.com/live2/abc-def', prod, true)).toEqual({
      url: 'rtmp://a.rtmp.youtube.com/live2',
      key: 'abc-def',
    });
    expect(splitTargetUrl('rtmps://live-api-s.facebook.com:443/rtmp/FB-1', prod, false)).toEqual({
      url: 'rtmps://live-api-s.facebook.com:443/rtmp/FB-1',
      key: null,
    });
    expect(splitTargetUrl('rtmp://live.twitch.tv/app', prod, true)).toEqual({
      url: 'rtmp://live.twitch.tv/app',
      key: null,
    });
  });

  it('refuses loopback and private hosts in production (even with the dev switch), allows them in development', () => {
    for (const host of [
      '127.0.0.1',
      'localhost',
      '10.1.2.3',
      '192.168.0.10',
      '169.254.169.254',
      '[::1]',
      'origin.internal',
    ]) {
      expect(typeof splitTargetUrl(`rtmp://${host}/live/k`, prod, true), host).toBe('string');
    }
    expect(splitTargetUrl('rtmp://127.0.0.1:20001/live/k', dev, true)).toEqual({
      url: 'rtmp://127.0.0.1:20001/live',
      key: 'k',
    });
    expect(typeof splitTargetUrl('rtmp://127.0.0.1/live/k', { ENVIRONMENT: 'development' }, true)).toBe('string');
  });

  it('refuses other schemes, credentials, queries and missing paths', () => {
    for (const raw of [
      'http://x.example/live/k',
      'srt://x.example:9000',
      'rtmp://u:p@x.example/live/k',
      'rtmp://x.example/live/k#f',
      'rtmp://x.example/',
      'x',
    ]) {
      expect(typeof splitTargetUrl(raw, prod, true), raw).toBe('string');
    }
  });
});
