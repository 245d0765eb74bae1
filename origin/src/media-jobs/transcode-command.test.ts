import { describe, expect, it } from 'vitest';
import { planRungs, prefixSegments, transcodeArgs } from './transcode-command.ts';

describe('transcode job command', () => {
  it('never upscales, keeps source at its size, and falls back to the file size when every rung is above it', () => {
    expect(planRungs(['source', '720p', '360p'], { width: 1280, height: 720 })).toEqual([
      { name: 'source', width: 1280, height: 720, videoKbps: 2800 },
      { name: '720p', width: 1280, height: 720, videoKbps: 2800 },
      { name: '360p', width: 640, height: 360, videoKbps: 800 },
    ]);
    expect(planRungs(['1080p', '480p'], { width: 640, height: 360 })).toEqual([
      { name: '480p', width: 640, height: 360, videoKbps: 800 },
    ]);
  });

  it('splits one decode into every rung with keyframes on segment boundaries', () => {
    const rungs = planRungs(['360p', '240p'], { width: 640, height: 360 });
    expect(transcodeArgs('/w/in', '/w/out', rungs, { hasAudio: true, segmentSeconds: 4 }).join(' ')).toBe(
      '-hide_banner -loglevel error -nostdin -y -i /w/in -filter_complex [0:v:0]split=2[v0][v1];[v0]scale=640:360[o0];[v1]scale=426:240[o1] ' +
        '-map [o0] -map 0:a:0 -map [o1] -map 0:a:0 -c:v libx264 -preset veryfast -pix_fmt yuv420p ' +
        '-b:v:0 800k -maxrate:v:0 960k -bufsize:v:0 1600k -b:v:1 400k -maxrate:v:1 480k -bufsize:v:1 800k ' +
        '-force_key_frames expr:gte(t,n_forced*4) -sc_threshold 0 -c:a aac -b:a 128k -ac 2 -f hls -hls_time 4 ' +
        '-hls_playlist_type vod -hls_segment_filename /w/out/%v/%d.ts -master_pl_name master.m3u8 ' +
        '-var_stream_map v:0,a:0,name:360p v:1,a:1,name:240p /w/out/%v.m3u8',
    );
    const silent = transcodeArgs('/w/in', '/w/out', rungs.slice(0, 1), { hasAudio: false, segmentSeconds: 4 });
    expect(silent).not.toContain('0:a:0');
    expect(silent).toContain('v:0,name:360p');
  });

  it('names segments under their rendition', () => {
    const text = '#EXTM3U\n#EXTINF:4.000000,\n0.ts\n#EXTINF:2.000000,\n1.ts\n#EXT-X-ENDLIST\n';
    expect(prefixSegments(text, '360p')).toBe(
      '#EXTM3U\n#EXTINF:4.000000,\n360p/0.ts\n#EXTINF:2.000000,\n360p/1.ts\n#EXT-X-ENDLIST\n',
    );
  });
});
