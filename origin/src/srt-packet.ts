/**
 * Just enough of the SRT wire format (draft-sharabayko-srt, sections 3 and 4.3) for the ingest
 * listener to route a caller by its handshake: the control header, the handshake's type, socket
 * id and extensions (the Stream ID among them), and the two answers it writes itself (a
 * rejection, a shutdown). Everything else passes through untouched between caller and backend.
 */

export const HS_INDUCTION = 0x00000001;
export const HS_CONCLUSION = 0xffffffff;
/** libsrt encodes a rejection as 1000 + reason in the handshake type (URQ_FAILURE_TYPES). */
const URQ_FAILURE_TYPES = 1000;
/** SRT_REJX_FORBIDDEN: "403", the publisher may not publish here (bad key). */
export const REJECT_FORBIDDEN = 1403;
/** SRT_REJX_BAD_MODE: a caller that asked to play (`m=request`) from an ingest point. */
export const REJECT_BAD_MODE = 1405;
/** SRT_REJX_UNAVAILABLE: the origin is full or shutting down. */
export const REJECT_UNAVAILABLE = 1503;

const CTRL_HANDSHAKE = 0x0000;
const CTRL_SHUTDOWN = 0x0005;
const EXT_SID = 5;
const HEADER = 16;
const CIF = 48;

export interface Handshake {
  type: number;
  version: number;
  /** The sender's SRT socket id: where answers to it are addressed. */
  socketId: number;
  /** The Stream ID extension, when the caller sent one. */
  streamId: string | null;
}

/** The handshake in a datagram, or null when it is anything else (data, ACK, keepalive...). */
export function readHandshake(buf: Buffer): Handshake | null {
  if (buf.length < HEADER + CIF) return null;
  const word0 = buf.readUInt32BE(0);
  const isControl = (word0 & 0x80000000) !== 0;
  if (!isControl || ((word0 >>> 16) & 0x7fff) !== CTRL_HANDSHAKE) return null;
  const cif = buf.subarray(HEADER);
  return {
    version: cif.readUInt32BE(0),
    type: cif.readUInt32BE(20),
    socketId: cif.readUInt32BE(24),
    streamId: readStreamIdExtension(cif.subarray(CIF)),
  };
}

/**
 * The SID extension's text. libsrt writes it as 32-bit words in little-endian order (each group of
 * four bytes reversed on the wire), padded with zero bytes to a whole word.
 */
function readStreamIdExtension(ext: Buffer): string | null {
  let at = 0;
  while (at + 4 <= ext.length) {
    const type = ext.readUInt16BE(at);
    const words = ext.readUInt16BE(at + 2);
    const body = ext.subarray(at + 4, at + 4 + words * 4);
    if (body.length < words * 4) return null;
    if (type === EXT_SID) {
      const bytes = Buffer.alloc(body.length);
      for (let i = 0; i < body.length; i += 4) bytes.writeUInt32BE(body.readUInt32LE(i), i);
      return bytes.toString('utf8').replace(/\0+$/, '');
    }
    at += 4 + words * 4;
  }
  return null;
}

/**
 * The listener's refusal of a conclusion handshake: the caller's CIF echoed with the type set to
 * the rejection (1000 + reason) and no extensions, addressed to the caller's socket. libsrt
 * callers (ffmpeg, OBS, vMix) fail at once with "connection rejected" and the reason.
 */
export function rejectionFor(conclusion: Buffer, reason: number): Buffer {
  const out = Buffer.from(conclusion.subarray(0, HEADER + CIF));
  const callerSocket = out.readUInt32BE(HEADER + 24);
  out.writeUInt32BE(0x80000000, 0); // control, handshake
  out.writeUInt32BE(0, 4);
  out.writeUInt32BE(0, 8); // timestamp
  out.writeUInt32BE(callerSocket, 12);
  out.writeUInt32BE(5, HEADER); // version 5
  out.writeUInt32BE(URQ_FAILURE_TYPES + reason, HEADER + 20);
  out.writeUInt32BE(0, HEADER + 24);
  return out;
}

/** The destination socket id of any SRT packet (header word 3). */
export function destinationSocket(buf: Buffer): number | null {
  return buf.length >= HEADER ? buf.readUInt32BE(12) : null;
}

/** A SHUTDOWN control packet to a socket: tells a caller its session is over without waiting out its idle timeout. */
export function shutdownPacket(socketId: number, timestampUs: number): Buffer {
  const out = Buffer.alloc(HEADER + 4);
  out.writeUInt32BE((0x80000000 | (CTRL_SHUTDOWN << 16)) >>> 0, 0);
  out.writeUInt32BE(timestampUs >>> 0, 8);
  out.writeUInt32BE(socketId >>> 0, 12);
  return out;
}
