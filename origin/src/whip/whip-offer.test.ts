import { describe, expect, it } from 'vitest';
import { relayArgs, relaySdp } from './relay-command.ts';
import { bearerKey, isSdpContentType, offeredH264Parameters, offerProblem } from './whip-offer.ts';

// An offer shaped like OBS 30's (libdatachannel): audio first, H.264 in two profiles, sendonly.
const obsOffer = [
  'v=0',
  'o=rtc 2412763958 0 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'a=group:BUNDLE 0 1',
  'a=msid-semantic:WMS *',
  'm=audio 9 UDP/TLS/RTP/SAVPF 111',
  'c=IN IP4 0.0.0.0',
  'a=mid:0',
  'a=sendonly',
  'a=rtpmap:111 opus/48000/2',
  'a=fmtp:111 minptime=10;maxaveragebitrate=96000;stereo=1;sprop-stereo=1;useinbandfec=1',
  'm=video 9 UDP/TLS/RTP/SAVPF 96 97',
  'c=IN IP4 0.0.0.0',
  'a=mid:1',
  'a=sendonly',
  'a=rtpmap:96 H264/90000',
  'a=fmtp:96 profile-level-id=42e01f;packetization-mode=1;level-asymmetry-allowed=1',
  'a=rtpmap:97 H264/90000',
  'a=fmtp:97 profile-level-id=640c1f;packetization-mode=1;level-asymmetry-allowed=1',
  '',
].join('\r\n');

describe('bearerKey', () => {
  it('reads the stream key from a Bearer header, any case', () => {
    expect(bearerKey('Bearer lsk_abc123')).toBe('lsk_abc123');
    expect(bearerKey('bearer   lsk_abc123 ')).toBe('lsk_abc123');
  });

  it('refuses what is not one printable token', () => {
    for (const h of [
      undefined,
      '',
      'Bearer',
      'Bearer ',
      'Basic dXNlcjpwYXNz',
      'Bearer a b',
      `Bearer ${'k'.repeat(201)}`,
    ])
      expect(bearerKey(h), String(h)).toBeNull();
    expect(bearerKey('Bearer lsk_é')).toBeNull();
  });
});

describe('isSdpContentType', () => {
  it('takes application/sdp with or without parameters, nothing else', () => {
    expect(isSdpContentType('application/sdp')).toBe(true);
    expect(isSdpContentType('Application/SDP; charset=utf-8')).toBe(true);
    expect(isSdpContentType('application/json')).toBe(false);
    expect(isSdpContentType(undefined)).toBe(false);
  });
});

describe('offerProblem', () => {
  it("accepts OBS's offer", () => {
    expect(offerProblem(obsOffer)).toBeNull();
  });

  it('accepts video without audio', () => {
    const videoOnly = obsOffer.replace(/m=audio[\s\S]*?(?=m=video)/, '');
    expect(videoOnly).not.toContain('m=audio');
    expect(offerProblem(videoOnly)).toBeNull();
  });

  it('names what is wrong with an unusable offer', () => {
    expect(offerProblem('{"sdp":"v=0"}')).toBe('not_sdp');
    expect(offerProblem(obsOffer.replace(/m=video[\s\S]*$/, ''))).toBe('no_video');
    expect(offerProblem(obsOffer.replace('m=video 9', 'm=video 0'))).toBe('no_video');
    expect(offerProblem(obsOffer.replaceAll('H264/90000', 'AV1/90000'))).toBe('no_h264');
    expect(offerProblem(obsOffer.replaceAll('a=sendonly', 'a=recvonly'))).toBe('not_sending');
    // A session-level direction applies to sections without their own.
    const sessionRecv = obsOffer.replaceAll('a=sendonly\r\n', '').replace('t=0 0', 't=0 0\r\na=recvonly');
    expect(offerProblem(sessionRecv)).toBe('not_sending');
  });
});

describe('offeredH264Parameters', () => {
  it("lists the offer's H.264 parameters, packetization mode 1 only when there is one", () => {
    expect(offeredH264Parameters(obsOffer)).toEqual([
      'profile-level-id=42e01f;packetization-mode=1;level-asymmetry-allowed=1',
      'profile-level-id=640c1f;packetization-mode=1;level-asymmetry-allowed=1',
    ]);
    const withMode0 = obsOffer
      .replace('m=video 9 UDP/TLS/RTP/SAVPF 96 97', 'm=video 9 UDP/TLS/RTP/SAVPF 96 97 98')
      .concat('a=rtpmap:98 H264/90000\r\na=fmtp:98 profile-level-id=42e01f;packetization-mode=0\r\n');
    expect(offeredH264Parameters(withMode0)).toHaveLength(2);
  });

  it('falls back to a bare mode-1 H.264 when the offer gives no parameters', () => {
    expect(offeredH264Parameters(obsOffer.replace(/a=fmtp:9[67].*\r\n/g, ''))).toEqual([
      'packetization-mode=1;level-asymmetry-allowed=1',
    ]);
  });
});

describe('relaySdp and relayArgs', () => {
  it('describes the loopback RTP ports FFmpeg reads, field by field', () => {
    const sdp = relaySdp({
      video: { port: 40000, payloadType: 97, fmtp: 'profile-level-id=640c1f;packetization-mode=1' },
      audio: { port: 40002, payloadType: 111, channels: 2 },
    });
    expect(sdp.split('\r\n')).toEqual([
      'v=0',
      'o=- 0 0 IN IP4 127.0.0.1',
      's=edgelive whip relay',
      'c=IN IP4 127.0.0.1',
      't=0 0',
      'm=video 40000 RTP/AVP 97',
      'a=rtpmap:97 H264/90000',
      'a=fmtp:97 profile-level-id=640c1f;packetization-mode=1',
      'm=audio 40002 RTP/AVP 111',
      'a=rtpmap:111 opus/48000/2',
      '',
    ]);
    const bare = relaySdp({ video: { port: 40000, payloadType: 96 }, audio: null });
    expect(bare).toContain('a=fmtp:96 packetization-mode=1\r\n');
    expect(bare).not.toContain('m=audio');
  });

  it('copies the video and transcodes Opus to AAC for FLV', () => {
    const args = relayArgs('/tmp/x.sdp', 'rtmp://127.0.0.1:1935/live/whip_t', true);
    expect(args.slice(args.indexOf('-i'), args.indexOf('-i') + 2)).toEqual(['-i', '/tmp/x.sdp']);
    expect(args.join(' ')).toContain('-map 0:v:0 -map 0:a:0 -c:a aac');
    expect(args.slice(-5)).toEqual(['-c:v', 'copy', '-f', 'flv', 'rtmp://127.0.0.1:1935/live/whip_t']);
    expect(relayArgs('/tmp/x.sdp', 'rtmp://h/live/t', false)).not.toContain('0:a:0');
  });
});
