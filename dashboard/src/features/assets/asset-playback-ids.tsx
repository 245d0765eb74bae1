import { PlaybackIdsPanel } from '../player/playback-ids-panel';
import { type Asset, useAddAssetPlaybackId, useDeleteAssetPlaybackId } from './assets.queries';

export function AssetPlaybackIds({ appId, asset }: { appId: string; asset: Asset }) {
  return (
    <PlaybackIdsPanel
      ids={asset.playback_ids}
      add={useAddAssetPlaybackId(appId, asset.id)}
      remove={useDeleteAssetPlaybackId(appId, asset.id)}
      empty="No playback ids: nobody can watch this asset."
    />
  );
}
