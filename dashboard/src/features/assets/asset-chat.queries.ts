import { useQuery } from '@tanstack/react-query';
import { api, type Schemas, unwrap } from '../../api/client';
import { type Asset, assetKeys } from './assets.queries';

export type AssetChatMessage = Schemas['AssetChatMessage'];

/** A replay beside the player needs the whole timeline at once; past this many pages it shows the first part. */
const MAX_PAGES = 10;

/** The stream's chat during a recording (or a clip of one), by media time, oldest first. */
export function useAssetChat(appId: string, assetId: string) {
  return useQuery({
    queryKey: [...assetKeys.one(appId, assetId), 'chat'],
    queryFn: async () => {
      const messages: AssetChatMessage[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < MAX_PAGES; page++) {
        const res = await unwrap(
          api.GET('/v1/apps/{app_id}/assets/{asset_id}/chat', {
            params: {
              path: { app_id: appId, asset_id: assetId },
              query: { limit: 100, ...(cursor ? { cursor } : {}) },
            },
          }),
        );
        messages.push(...res.data);
        if (!res.next_cursor) return { messages, truncated: false };
        cursor = res.next_cursor;
      }
      return { messages, truncated: true };
    },
  });
}

/** Clips of clips are bounded the way the Worker bounds them when it places a clip's chat. */
const MAX_CLIP_DEPTH = 20;

/**
 * Whether the asset can have a chat replay: a recording can, an upload cannot, and a clip can when
 * the asset it was cut from (through any clips of clips) is a recording. The chat endpoint answers
 * an empty list either way, so the page asks where the clip's media came from instead.
 */
export function useHasChat(appId: string, asset: Asset): boolean {
  const parentId = asset.source.type === 'clip' ? asset.source.parent_asset_id : null;
  const root = useQuery({
    queryKey: [...assetKeys.one(appId, asset.id), 'root-source'],
    enabled: parentId != null,
    staleTime: Number.POSITIVE_INFINITY,
    queryFn: async () => {
      let id = parentId;
      for (let depth = 0; id && depth < MAX_CLIP_DEPTH; depth++) {
        const parent = await unwrap(
          api.GET('/v1/apps/{app_id}/assets/{asset_id}', { params: { path: { app_id: appId, asset_id: id } } }),
        );
        if (parent.source.type !== 'clip') return parent.source.type;
        id = parent.source.parent_asset_id;
      }
      return null;
    },
  });
  if (asset.source.type === 'live_session') return true;
  return asset.source.type === 'clip' && root.data === 'live_session';
}
