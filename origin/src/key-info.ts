import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { PublishAnswer } from '@edgelive/shared/origin-protocol';

/**
 * Writes the session's AES-128 key and FFmpeg's key info file into the session's working directory
 * (owner-only: the key is what protects a signed stream), and returns the info file's path, or null
 * for a clear session. The URI FFmpeg puts in its own playlists is never served: the Worker renders
 * the playlists viewers get, with the key at `aes.key` beside them.
 */
export async function writeKeyInfo(
  dir: string,
  encryption: PublishAnswer['encryption'] | null,
): Promise<string | null> {
  if (!encryption) return null;
  const keyFile = path.join(dir, 'aes.key');
  const infoFile = path.join(dir, 'aes.keyinfo');
  await writeFile(keyFile, Buffer.from(encryption.key_hex, 'hex'), { mode: 0o600 });
  await writeFile(infoFile, `aes.key\n${keyFile}\n`, { mode: 0o600 });
  return infoFile;
}
