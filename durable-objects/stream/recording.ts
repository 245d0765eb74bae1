import { SEGMENT_SECONDS } from '@edgelive/shared/live-timing';
import { renderMasterPlaylist, renderMediaPlaylist } from '@edgelive/shared/playlist';
import type { Env } from '../../core/env';
import { PLAYLIST_TYPE, recordingKey, recordingMasterKey } from '../../core/media-keys';
import type { RecordingResult } from '../../core/stream-reactions';
import type { MasterVariant, StreamConfig } from './contract';
import type { SegmentLog } from './segment-log';
import type { StreamStore } from './store';

/** The session's key, beside its media playlists (workers/routes/hls.routes.ts serves it). */
export const KEY_URI = 'aes.key';

/** BANDWIDTH and friends as the origin measured them, else estimated from the segment sizes. */
export function variants(
  store: StreamStore,
  log: SegmentLog,
  sessionId: string,
  renditions: readonly string[],
): MasterVariant[] {
  const reported = store.renditions(sessionId);
  return renditions.map((rendition) => {
    const r = reported.get(rendition);
    if (r)
      return {
        rendition,
        bandwidth: r.bandwidth,
        averageBandwidth: r.average_bandwidth,
        resolution: r.resolution,
        codecs: r.codecs,
        frameRate: r.frame_rate,
      };
    const m = log.measuredBandwidth(sessionId, rendition);
    return {
      rendition,
      bandwidth: Math.ceil(m.peak),
      averageBandwidth: Math.ceil(m.average) || null,
      resolution: null,
      codecs: null,
      frameRate: null,
    };
  });
}

/**
 * A VOD playlist per rendition over every segment of the session, and a master over them. The
 * same text for the same segments, so writing it again after a failed attempt is harmless.
 */
export async function writeRecording(
  env: Env,
  store: StreamStore,
  log: SegmentLog,
  streamId: string,
  sessionId: string,
  cfg: StreamConfig,
): Promise<RecordingResult> {
  const present = new Set(log.renditionsWithAny(sessionId));
  const renditions = cfg.ladder.filter((r) => present.has(r));
  const nominal = SEGMENT_SECONDS[cfg.latencyMode];
  const files = renditions.map((r) => ({
    key: recordingKey(streamId, sessionId, r),
    text: renderMediaPlaylist({
      segments: log.all(sessionId, r),
      mediaSequence: 0,
      discontinuitySequence: 0,
      nominalDuration: nominal,
      kind: 'vod',
      uri: (seg) => `${r}/${seg.sequence}.ts`,
      keyUri: cfg.encryption ? KEY_URI : undefined,
    }),
  }));
  if (renditions.length) {
    const vs = variants(store, log, sessionId, renditions).map((v) => ({
      ...v,
      uri: `${sessionId}/${v.rendition}.m3u8`,
    }));
    files.push({ key: recordingMasterKey(streamId, sessionId), text: renderMasterPlaylist(vs) });
  }
  const first = renditions[0];
  const durationS = first ? Math.round(log.durationOf(sessionId, first) * 1000) / 1000 : 0;
  await Promise.all(files.map((f) => env.MEDIA.put(f.key, f.text, { httpMetadata: { contentType: PLAYLIST_TYPE } })));
  return { durationS, renditions };
}
