import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, expectOk, type Schemas, unwrap } from '../../api/client';

export type Asset = Schemas['Asset'];
export type Upload = Schemas['Upload'];
export type AssetSource = Asset['source']['type'];
export type CreateAssetClip = Schemas['CreateAssetClip'];

export const assetKeys = {
  all: (appId: string) => ['apps', appId, 'assets'] as const,
  list: (appId: string, source: AssetSource | null) => ['apps', appId, 'assets', 'list', source] as const,
  one: (appId: string, id: string) => ['apps', appId, 'assets', id] as const,
  uploads: (appId: string) => ['apps', appId, 'uploads'] as const,
};

const p = (appId: string, assetId: string) => ({ params: { path: { app_id: appId, asset_id: assetId } } });

/** Media jobs (transcodes, MP4s) finish without anyone touching the console: poll while any is under way. */
const BUSY_POLL_MS = 2_000;
const busy = (a: Asset) => a.status === 'preparing' || a.mp4?.status === 'preparing';

export function useAssets(appId: string, source: AssetSource | null) {
  return useQuery({
    queryKey: assetKeys.list(appId, source),
    queryFn: () =>
      unwrap(
        api.GET('/v1/apps/{app_id}/assets', {
          params: { path: { app_id: appId }, query: { limit: 100, ...(source ? { source } : {}) } },
        }),
      ),
    refetchInterval: (q) => (q.state.data?.data.some(busy) ? BUSY_POLL_MS : false),
  });
}

export function useAsset(appId: string, assetId: string) {
  return useQuery({
    queryKey: assetKeys.one(appId, assetId),
    queryFn: () => unwrap(api.GET('/v1/apps/{app_id}/assets/{asset_id}', p(appId, assetId))),
    refetchInterval: (q) => (q.state.data && busy(q.state.data) ? BUSY_POLL_MS : false),
  });
}

export function useUpdateAsset(appId: string, assetId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: Schemas['UpdateAsset']) =>
      unwrap(api.PATCH('/v1/apps/{app_id}/assets/{asset_id}', { ...p(appId, assetId), body })),
    onSuccess: (a) => {
      qc.setQueryData(assetKeys.one(appId, assetId), a);
      void qc.invalidateQueries({ queryKey: assetKeys.all(appId) });
    },
  });
}

export function useDeleteAsset(appId: string, assetId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => expectOk(api.DELETE('/v1/apps/{app_id}/assets/{asset_id}', p(appId, assetId))),
    onSuccess: () => {
      qc.removeQueries({ queryKey: assetKeys.one(appId, assetId) });
      void qc.invalidateQueries({ queryKey: assetKeys.all(appId) });
    },
  });
}

export function useAddAssetPlaybackId(appId: string, assetId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (policy: 'public' | 'signed') =>
      unwrap(api.POST('/v1/apps/{app_id}/assets/{asset_id}/playback-ids', { ...p(appId, assetId), body: { policy } })),
    onSuccess: () => qc.invalidateQueries({ queryKey: assetKeys.one(appId, assetId) }),
  });
}

export function useDeleteAssetPlaybackId(appId: string, assetId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (playbackId: string) =>
      expectOk(
        api.DELETE('/v1/apps/{app_id}/assets/{asset_id}/playback-ids/{playback_id}', {
          params: { path: { app_id: appId, asset_id: assetId, playback_id: playbackId } },
        }),
      ),
    onSuccess: () => qc.invalidateQueries({ queryKey: assetKeys.one(appId, assetId) }),
  });
}

export function useCreateClip(appId: string, assetId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateAssetClip) =>
      unwrap(api.POST('/v1/apps/{app_id}/assets/{asset_id}/clips', { ...p(appId, assetId), body })),
    onSuccess: () => qc.invalidateQueries({ queryKey: assetKeys.all(appId) }),
  });
}

/**
 * The app's uploads, followed while any is moving: bytes arriving (`uploading`, or `waiting` with
 * some stored) until the media job turns it into an asset, and while `sending` (this browser's own
 * upload, still `waiting` with nothing stored on the first fetch). A handed-out URL nobody has
 * used yet is not followed, so an idle list does not poll until it expires.
 */
export function useUploads(appId: string, sending = false) {
  return useQuery({
    queryKey: assetKeys.uploads(appId),
    queryFn: () =>
      unwrap(api.GET('/v1/apps/{app_id}/uploads', { params: { path: { app_id: appId }, query: { limit: 50 } } })),
    refetchInterval: (q) =>
      sending || q.state.data?.data.some((u) => u.status === 'uploading' || (u.status === 'waiting' && u.offset > 0))
        ? BUSY_POLL_MS
        : false,
  });
}

export function useCreateUpload(appId: string) {
  return useMutation({
    mutationFn: (body: Schemas['CreateUpload']) =>
      unwrap(api.POST('/v1/apps/{app_id}/uploads', { params: { path: { app_id: appId } }, body })),
  });
}

export function useCancelUpload(appId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (uploadId: string) =>
      expectOk(
        api.DELETE('/v1/apps/{app_id}/uploads/{upload_id}', {
          params: { path: { app_id: appId, upload_id: uploadId } },
        }),
      ),
    onSuccess: () => qc.invalidateQueries({ queryKey: assetKeys.uploads(appId) }),
  });
}
