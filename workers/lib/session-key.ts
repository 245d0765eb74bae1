import { hmacSha256 } from '../../core/crypto';

/**
 * The AES-128 key of one session's segments: derived, not stored, as the first 16 bytes of
 * HMAC-SHA256(MEDIA_KEY_SECRET, "aes128|<stream>|<session>"). Every session gets its own key
 * (rotation per session), the origin receives it in the publish answer, the Worker recomputes it
 * for viewers (live and recordings alike), and no key ever sits in D1 or R2 beside the media.
 * Rotating MEDIA_KEY_SECRET therefore makes earlier encrypted recordings unplayable.
 */
export async function sessionMediaKey(
  secret: string,
  streamId: string,
  sessionId: string,
): Promise<Uint8Array<ArrayBuffer>> {
  return (await hmacSha256(secret, `aes128|${streamId}|${sessionId}`)).slice(0, 16);
}

export const toHex = (bytes: Uint8Array) => [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
