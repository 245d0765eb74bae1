import { describe, expect, it } from 'vitest';
import { mp4Args, playlistFiles } from './mp4-command.ts';

describe('MP4 job command', () => {
  it('remuxes with faststart and no re-encode', () => {
    expect(mp4Args('/w/playlist.m3u8', '/w/out.mp4').join(' ')).toBe(
      '-hide_banner -loglevel error -nostdin -y -allowed_extensions ALL -i /w/playlist.m3u8 -map 0:v:0? -map 0:a:0? -c copy -bsf:a aac_adtstoasc -movflags +faststart -f mp4 /w/out.mp4',
    );
  });

  it('lists the segments and the key a VOD playlist names', () => {
    const text = `#EXTM3U
#EXT-X-VERSION:3
#EXT-X-TARGETDURATION:2
#EXT-X-PLAYLIST-TYPE:VOD
#EXT-X-KEY:METHOD=AES-128,URI="aes.key",IV=0x00000000000000000000000000000000
#EXTINF:2.000,
720p/0.ts
#EXT-X-KEY:METHOD=AES-128,URI="aes.key",IV=0x00000000000000000000000000000001
#EXTINF:2.000,
720p/1.ts
#EXT-X-ENDLIST
`;
    expect(playlistFiles(text)).toEqual(['aes.key', '720p/0.ts', '720p/1.ts']);
  });
});
