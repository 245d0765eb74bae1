/** The part of an FFmpeg media playlist the watcher needs: which segments are complete, and when. */
export interface MediaPlaylist {
  mediaSequence: number;
  endList: boolean;
  segments: { sequence: number; uri: string; durationS: number; programDateTime: string | null }[];
}

export function parseMediaPlaylist(text: string): MediaPlaylist {
  let mediaSequence = 0;
  let endList = false;
  let duration: number | null = null;
  let pdt: string | null = null;
  const segments: MediaPlaylist['segments'] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '') continue;
    if (line.startsWith('#EXT-X-MEDIA-SEQUENCE:')) mediaSequence = Number.parseInt(line.slice(22), 10);
    else if (line.startsWith('#EXTINF:')) duration = Number.parseFloat(line.slice(8));
    else if (line.startsWith('#EXT-X-PROGRAM-DATE-TIME:')) pdt = normalizeIsoDate(line.slice(25));
    else if (line === '#EXT-X-ENDLIST') endList = true;
    else if (!line.startsWith('#') && duration !== null) {
      segments.push({
        sequence: mediaSequence + segments.length,
        uri: line,
        durationS: duration,
        programDateTime: pdt,
      });
      duration = null;
      pdt = null;
    }
  }
  return { mediaSequence, endList, segments };
}

/** FFmpeg writes `2026-11-21T21:20:39.832+0000`; the protocol wants ISO 8601 UTC (`...39.832Z`). */
export function normalizeIsoDate(value: string): string | null {
  const withColon = value.replace(/([+-]\d\d)(\d\d)$/, '$1:$2');
  const ms = Date.parse(withColon);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}
