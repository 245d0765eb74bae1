import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, expectOk, type Schemas, unwrap } from '../../api/client';
import { ApiRequestError } from '../../api/errors';
import type { paths } from '../../api/schema';

export type Channel = Schemas['Channel'];
export type ImageKind = 'avatar' | 'banner';
export type ChannelInput = NonNullable<
  paths['/v1/apps/{app_id}/channels/{channel_id}']['patch']['requestBody']
>['content']['application/json'];

export const channelKeys = {
  list: (appId: string) => ['apps', appId, 'channels'] as const,
  one: (appId: string, id: string) => ['apps', appId, 'channels', id] as const,
  streams: (appId: string, id: string) => ['apps', appId, 'channels', id, 'streams'] as const,
};

const p = (appId: string, channelId: string) => ({ params: { path: { app_id: appId, channel_id: channelId } } });

export function useChannels(appId: string) {
  return useQuery({
    queryKey: channelKeys.list(appId),
    queryFn: () =>
      unwrap(api.GET('/v1/apps/{app_id}/channels', { params: { path: { app_id: appId }, query: { limit: 100 } } })),
  });
}

export function useChannel(appId: string, channelId: string, opts: { enabled?: boolean } = {}) {
  return useQuery({
    queryKey: channelKeys.one(appId, channelId),
    queryFn: () => unwrap(api.GET('/v1/apps/{app_id}/channels/{channel_id}', p(appId, channelId))),
    enabled: opts.enabled ?? true,
  });
}

export function useChannelStreams(appId: string, channelId: string) {
  return useQuery({
    queryKey: channelKeys.streams(appId, channelId),
    queryFn: () =>
      unwrap(
        api.GET('/v1/apps/{app_id}/channels/{channel_id}/streams', {
          params: { path: { app_id: appId, channel_id: channelId }, query: { limit: 50 } },
        }),
      ),
    refetchInterval: 5_000,
  });
}

export function useCreateChannel(appId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: ChannelInput & { slug: string; display_name: string }) =>
      unwrap(api.POST('/v1/apps/{app_id}/channels', { params: { path: { app_id: appId } }, body })),
    onSuccess: () => qc.invalidateQueries({ queryKey: channelKeys.list(appId) }),
  });
}

export function useUpdateChannel(appId: string, channelId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: ChannelInput) =>
      unwrap(api.PATCH('/v1/apps/{app_id}/channels/{channel_id}', { ...p(appId, channelId), body })),
    onSuccess: (c) => {
      qc.setQueryData(channelKeys.one(appId, channelId), c);
      void qc.invalidateQueries({ queryKey: channelKeys.list(appId), exact: true });
    },
  });
}

export function useDeleteChannel(appId: string, channelId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => expectOk(api.DELETE('/v1/apps/{app_id}/channels/{channel_id}', p(appId, channelId))),
    onSuccess: () => {
      qc.removeQueries({ queryKey: channelKeys.one(appId, channelId) });
      void qc.invalidateQueries({ queryKey: channelKeys.list(appId) });
    },
  });
}

/**
 * An avatar or banner: the API hands out a signed URL and the browser PUTs the file straight to
 * it; the Worker checks type (by the bytes), size and pixel dimensions and answers 4xx otherwise.
 */
export function useUploadImage(appId: string, channelId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async ({ kind, file }: { kind: ImageKind; file: File }) => {
      const ticket = await unwrap(
        api.POST('/v1/apps/{app_id}/channels/{channel_id}/images', { ...p(appId, channelId), body: { kind } }),
      );
      if (file.size > ticket.max_bytes)
        throw new ApiRequestError(413, 'payload_too_large', `The file is larger than ${ticket.max_bytes} bytes.`);
      const res = await fetch(ticket.upload_url, { method: 'PUT', body: file });
      if (!res.ok) {
        const body = (await res.json().catch(() => null)) as { error?: { code: string; message: string } } | null;
        throw new ApiRequestError(
          res.status,
          body?.error?.code ?? 'upload_failed',
          body?.error?.message ?? res.statusText,
        );
      }
    },
    onSuccess: () => qc.invalidateQueries({ queryKey: channelKeys.one(appId, channelId) }),
  });
}

export function useSetStreamChannel(appId: string, channelId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ streamId, on }: { streamId: string; on: boolean }) => {
      const path = { params: { path: { app_id: appId, channel_id: channelId, stream_id: streamId } } };
      return expectOk(
        on
          ? api.PUT('/v1/apps/{app_id}/channels/{channel_id}/streams/{stream_id}', path)
          : api.DELETE('/v1/apps/{app_id}/channels/{channel_id}/streams/{stream_id}', path),
      );
    },
    onSuccess: () => qc.invalidateQueries({ queryKey: channelKeys.streams(appId, channelId) }),
  });
}
