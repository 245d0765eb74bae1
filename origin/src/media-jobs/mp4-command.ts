/**
 * FFmpeg reading a playlist the job wrote to disk: quiet, overwriting its output, and allowed to
 * open the key file an encrypted recording's playlist names (`aes.key`).
 */
export function localPlaylistInput(playlistPath: string): string[] {
  return ['-hide_banner', '-loglevel', 'error', '-nostdin', '-y', '-allowed_extensions', 'ALL', '-i', playlistPath];
}

/**
 * FFmpeg's arguments for an asset's MP4: the recording's HLS (already H.264/AAC) remuxed without
 * re-encoding, ADTS AAC turned into MP4's form, and the index moved to the front (faststart) so a
 * player can start before the whole file arrives. `-allowed_extensions ALL` lets the local
 * playlist name its key file (`aes.key`) for encrypted recordings.
 */
export function mp4Args(playlistPath: string, outputPath: string): string[] {
  return [
    ...localPlaylistInput(playlistPath),
    '-map',
    '0:v:0?',
    '-map',
    '0:a:0?',
    '-c',
    'copy',
    '-bsf:a',
    'aac_adtstoasc',
    '-movflags',
    '+faststart',
    '-f',
    'mp4',
    outputPath,
  ];
}

/** The files a VOD playlist names (segments and its key), relative to it, in order. */
export function playlistFiles(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    if (line.startsWith('#')) {
      const key = /URI="([^"]+)"/.exec(line);
      if (line.startsWith('#EXT-X-KEY') && key?.[1] && !out.includes(key[1])) out.push(key[1]);
      continue;
    }
    out.push(line);
  }
  return out;
}
