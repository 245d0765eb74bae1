import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, expectOk, type Schemas, unwrap } from '../../api/client';

export type Stream = Schemas['Stream'];
export type StreamSession = Schemas['StreamSession'];
export type PlaybackId = Schemas['PlaybackId'];
export type CreateStream = Schemas['CreateStream'];
export type UpdateStream = Schemas['UpdateStream'];

export const streamKeys = {
  list: (appId: string) => ['apps', appId, 'streams'] as const,
  one: (appId: string, id: string) => ['apps', appId, 'streams', id] as const,
  sessions: (appId: string, id: string) => ['apps', appId, 'streams', id, 'sessions'] as const,
};

const p = (appId: string, streamId: string) => ({ params: { path: { app_id: appId, stream_id: streamId } } });

/** Live status changes without anyone touching the console, so lists and pages poll. */
const LIST_POLL_MS = 5_000;
const STREAM_POLL_MS = 3_000;

export function useStreams(appId: string) {
  return useQuery({
    queryKey: streamKeys.list(appId),
    queryFn: () =>
      unwrap(api.GET('/v1/apps/{app_id}/streams', { params: { path: { app_id: appId }, query: { limit: 100 } } })),
    refetchInterval: LIST_POLL_MS,
  });
}

export function useStream(appId: string, streamId: string) {
  return useQuery({
    queryKey: streamKeys.one(appId, streamId),
    queryFn: () => unwrap(api.GET('/v1/apps/{app_id}/streams/{stream_id}', p(appId, streamId))),
    refetchInterval: STREAM_POLL_MS,
  });
}

export function useStreamSessions(appId: string, streamId: string) {
  return useQuery({
    queryKey: streamKeys.sessions(appId, streamId),
    queryFn: () =>
      unwrap(
        api.GET('/v1/apps/{app_id}/streams/{stream_id}/sessions', {
          params: { path: { app_id: appId, stream_id: streamId }, query: { limit: 50 } },
        }),
      ),
    refetchInterval: 10_000,
  });
}

export function useCreateStream(appId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateStream) =>
      unwrap(api.POST('/v1/apps/{app_id}/streams', { params: { path: { app_id: appId } }, body })),
    onSuccess: () => qc.invalidateQueries({ queryKey: streamKeys.list(appId) }),
  });
}

/** Every mutation of one stream answers with the stream: put it straight into the cache. */
function useStreamMutation<V>(appId: string, streamId: string, fn: (v: V) => Promise<Stream>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: (s) => {
      qc.setQueryData(streamKeys.one(appId, streamId), s);
      void qc.invalidateQueries({ queryKey: streamKeys.list(appId), exact: true });
    },
  });
}

export const useUpdateStream = (appId: string, streamId: string) =>
  useStreamMutation(appId, streamId, (body: UpdateStream) =>
    unwrap(api.PATCH('/v1/apps/{app_id}/streams/{stream_id}', { ...p(appId, streamId), body })),
  );
export const useResetStreamKey = (appId: string, streamId: string) =>
  useStreamMutation(appId, streamId, () =>
    unwrap(api.POST('/v1/apps/{app_id}/streams/{stream_id}/reset-stream-key', p(appId, streamId))),
  );
export const useSetStreamEnabled = (appId: string, streamId: string) =>
  useStreamMutation(appId, streamId, (enable: boolean) =>
    unwrap(
      enable
        ? api.POST('/v1/apps/{app_id}/streams/{stream_id}/enable', p(appId, streamId))
        : api.POST('/v1/apps/{app_id}/streams/{stream_id}/disable', p(appId, streamId)),
    ),
  );

export function useDeleteStream(appId: string, streamId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => expectOk(api.DELETE('/v1/apps/{app_id}/streams/{stream_id}', p(appId, streamId))),
    onSuccess: () => {
      qc.removeQueries({ queryKey: streamKeys.one(appId, streamId) });
      void qc.invalidateQueries({ queryKey: streamKeys.list(appId) });
    },
  });
}

export function useAddPlaybackId(appId: string, streamId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (policy: PlaybackId['policy']) =>
      unwrap(
        api.POST('/v1/apps/{app_id}/streams/{stream_id}/playback-ids', { ...p(appId, streamId), body: { policy } }),
      ),
    onSuccess: () => qc.invalidateQueries({ queryKey: streamKeys.one(appId, streamId) }),
  });
}

export function useDeletePlaybackId(appId: string, streamId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (playbackId: string) =>
      expectOk(
        api.DELETE('/v1/apps/{app_id}/streams/{stream_id}/playback-ids/{playback_id}', {
          params: { path: { app_id: appId, stream_id: streamId, playback_id: playbackId } },
        }),
      ),
    onSuccess: () => qc.invalidateQueries({ queryKey: streamKeys.one(appId, streamId) }),
  });
}
