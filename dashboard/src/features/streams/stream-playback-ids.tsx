import { PlaybackIdsPanel } from '../player/playback-ids-panel';
import { type Stream, useAddPlaybackId, useDeletePlaybackId } from './streams.queries';

export function StreamPlaybackIds({ appId, stream }: { appId: string; stream: Stream }) {
  return (
    <PlaybackIdsPanel
      ids={stream.playback_ids}
      add={useAddPlaybackId(appId, stream.id)}
      remove={useDeletePlaybackId(appId, stream.id)}
      empty="No playback ids: viewers cannot watch this stream yet."
    />
  );
}
