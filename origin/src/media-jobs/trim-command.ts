import { localPlaylistInput } from './mp4-command.ts';

/**
 * FFmpeg's arguments for one part of a frame-accurate clip: the segment decoded from its own
 * one-segment playlist (so an encrypted recording's key is applied), `-ss`/`-t` as output
 * options (decode from the keyframe, drop frames until `from`: exact to the frame, where an input
 * seek would snap to a keyframe), re-encoded to what our ladder makes (H.264 yuv420p + AAC) at the
 * segment's own size, as MPEG-TS so the clip's playlist can name it beside the parent's segments.
 * The part keeps the parent's timeline (`-output_ts_offset` = where `from` was, with no mux delay
 * added), so the clip's timestamps only ever grow and its MP4 remuxes cleanly.
 */
export function trimArgs(playlistPath: string, outputPath: string, fromS: number, toS: number, atS: number): string[] {
  return [
    ...localPlaylistInput(playlistPath),
    '-ss',
    fromS.toFixed(3),
    '-t',
    (toS - fromS).toFixed(3),
    '-map',
    '0:v:0?',
    '-map',
    '0:a:0?',
    '-c:v',
    'libx264',
    '-preset',
    'veryfast',
    '-pix_fmt',
    'yuv420p',
    '-c:a',
    'aac',
    '-ac',
    '2',
    '-muxdelay',
    '0',
    '-muxpreload',
    '0',
    '-output_ts_offset',
    atS.toFixed(3),
    '-f',
    'mpegts',
    outputPath,
  ];
}
