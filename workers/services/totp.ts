/**
 * TOTP (RFC 6238) over WebCrypto: HMAC-SHA1, 30-second steps, 6 digits, which is what every
 * authenticator app speaks. Pure functions; the enrolment and reuse rules live in
 * two-factor.service.ts.
 */
export const STEP_SECONDS = 30;
export const DIGITS = 6;
/** Codes one step either side are accepted, for clocks that drift a little. */
export const DRIFT_STEPS = 1;

const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export function base32Encode(bytes: Uint8Array): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += B32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += B32[(value << (5 - bits)) & 31];
  return out;
}

export function base32Decode(text: string): Uint8Array {
  const clean = text.replace(/=+$/, '').replace(/\s/g, '').toUpperCase();
  const out: number[] = [];
  let bits = 0;
  let value = 0;
  for (const ch of clean) {
    const i = B32.indexOf(ch);
    if (i < 0) throw new Error('not base32');
    value = (value << 5) | i;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return new Uint8Array(out);
}

/** A new 160-bit secret (RFC 4226 recommends at least 128 bits; 160 matches SHA-1). */
export const newTotpSecret = () => base32Encode(crypto.getRandomValues(new Uint8Array(20)));

/** HOTP (RFC 4226): HMAC-SHA1 of the 8-byte counter, dynamically truncated. */
export async function hotp(secret: Uint8Array, counter: number, digits = DIGITS): Promise<string> {
  const msg = new Uint8Array(8);
  new DataView(msg.buffer).setBigUint64(0, BigInt(counter));
  const key = await crypto.subtle.importKey('raw', secret, { name: 'HMAC', hash: 'SHA-1' }, false, ['sign']);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, msg));
  const offset = mac[mac.length - 1]! & 15;
  const bin = ((mac[offset]! & 0x7f) << 24) | (mac[offset + 1]! << 16) | (mac[offset + 2]! << 8) | mac[offset + 3]!;
  return String(bin % 10 ** digits).padStart(digits, '0');
}

export const stepAt = (ms: number) => Math.floor(ms / 1000 / STEP_SECONDS);

export const totpAt = (secretB32: string, ms: number) => hotp(base32Decode(secretB32), stepAt(ms));

/** The step a code belongs to (within the drift), or null; the caller refuses steps already used. */
export async function matchStep(secretB32: string, code: string, ms = Date.now()): Promise<number | null> {
  if (!/^\d{6}$/.test(code)) return null;
  const secret = base32Decode(secretB32);
  const now = stepAt(ms);
  for (let d = -DRIFT_STEPS; d <= DRIFT_STEPS; d++) {
    if ((await hotp(secret, now + d)) === code) return now + d;
  }
  return null;
}

export const otpauthUri = (secretB32: string, account: string, issuer = 'Edgelive') =>
  `otpauth://totp/${encodeURIComponent(issuer)}:${encodeURIComponent(account)}?secret=${secretB32}&issuer=${encodeURIComponent(issuer)}&algorithm=SHA1&digits=${DIGITS}&period=${STEP_SECONDS}`;
