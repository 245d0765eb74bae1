import { sha256Hex } from './crypto';
import { openSecret, type SecretBoxEnv, sealSecret } from './secret-box';

/**
 * A stream key is a publishing credential. D1 keeps two forms of it: `stream_key_hash`
 * (SHA-256, unique index) finds the stream on publish in one indexed read, and `stream_key` holds
 * it sealed (core/secret-box.ts) for the owner to read back. Neither lets a D1 backup publish:
 * the key is 40 random base62 characters, so its hash cannot be reversed by guessing.
 */
export async function streamKeyColumns(env: SecretBoxEnv, key: string) {
  return { streamKey: await sealSecret(env, 'stream_key', key), streamKeyHash: await sha256Hex(key) };
}

export const openStreamKey = (env: SecretBoxEnv, stored: string) => openSecret(env, 'stream_key', stored);
