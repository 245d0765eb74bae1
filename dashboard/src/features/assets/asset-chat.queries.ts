import { useQuery } from '@tanstack/react-query';
import { api, type Schemas, unwrap } from '../../api/client';
import { assetKeys } from './assets.queries';

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
