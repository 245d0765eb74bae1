/**
 * Hands a grant on to every URI a playlist names (variant and segment lines, `URI="..."` of
 * EXT-X-KEY and friends). Playlists are rendered with canonical, relative URIs; only the copy a
 * viewer receives carries `?g=`, so the canonical text stays the same for everyone.
 */
const withQuery = (uri: string, grant: string) =>
  `${uri}${uri.includes('?') ? '&' : '?'}g=${encodeURIComponent(grant)}`;

export function grantUris(text: string, grant: string | null, playlistGrant: string | null = grant): string {
  if (!grant) return text;
  return text
    .split('\n')
    .map((line) => {
      if (!line) return line;
      if (!line.startsWith('#')) return withQuery(line, grant);
      // LL-HLS rendition reports name other media playlists, which a segment grant cannot open.
      if (line.startsWith('#EXT-X-RENDITION-REPORT:') && playlistGrant)
        return line.replace(/URI="([^"]*)"/g, (_m, uri: string) => `URI="${withQuery(uri, playlistGrant)}"`);
      return line.replace(/URI="([^"]*)"/g, (_m, uri: string) => `URI="${withQuery(uri, grant)}"`);
    })
    .join('\n');
}
