import { describe, expect, it } from 'vitest';
import {
  destinationSocket,
  HS_CONCLUSION,
  REJECT_FORBIDDEN,
  readHandshake,
  rejectionFor,
  shutdownPacket,
} from './srt-packet.ts';

// A conclusion handshake as Debian's ffmpeg 5.1 (libsrt 1.5.1) sent it for
// `srt://127.0.0.1:20540?streamid=#!::r=lsk_abc123,m=publish`, captured on the wire: HSREQ and
// SID extensions, the SID in libsrt's byte-swapped words ("::!#" is "#!::").
const CONCLUSION = Buffer.from(
  '800000000000000000001e420000000000000005000000056ed89fff000005dc00002000ffffffff0f574bcf22da60e1' +
    '0100007f0000000000000000000000000001000300010501000000bf00780000000500073a3a2123736c3d7262615f6b' +
    '33323163703d6d2c696c627500006873',
  'hex',
);

describe('readHandshake', () => {
  it('reads a real conclusion handshake field by field, the Stream ID un-swapped', () => {
    const hs = readHandshake(CONCLUSION)!;
    expect(hs.version).toBe(5);
    expect(hs.type).toBe(HS_CONCLUSION);
    expect(hs.socketId).toBe(0x0f574bcf);
    expect(hs.streamId).toBe('#!::r=lsk_abc123,m=publish');
  });

  it('is null for data packets, other control packets and runts', () => {
    const data = Buffer.alloc(80);
    data.writeUInt32BE(0x00000123, 0); // F bit clear: a data packet
    expect(readHandshake(data)).toBeNull();
    expect(readHandshake(shutdownPacket(1, 0))).toBeNull();
    expect(readHandshake(CONCLUSION.subarray(0, 40))).toBeNull();
  });

  it('is null-safe on a truncated extension', () => {
    expect(readHandshake(CONCLUSION.subarray(0, CONCLUSION.length - 8))!.streamId).toBeNull();
  });
});

describe('rejectionFor', () => {
  it('answers the caller socket with 1000 + reason in the handshake type and no extensions', () => {
    const r = rejectionFor(CONCLUSION, REJECT_FORBIDDEN);
    expect(r.length).toBe(64);
    expect(destinationSocket(r)).toBe(0x0f574bcf);
    const hs = readHandshake(r)!;
    expect(hs.type).toBe(2403);
    expect(hs.version).toBe(5);
    expect(hs.streamId).toBeNull();
  });
});

describe('shutdownPacket', () => {
  it('is a control packet of type 5 addressed to the socket', () => {
    const p = shutdownPacket(0x0f574bcf, 1234);
    expect(p.readUInt32BE(0)).toBe(0x80050000);
    expect(p.readUInt32BE(8)).toBe(1234);
    expect(destinationSocket(p)).toBe(0x0f574bcf);
  });
});
