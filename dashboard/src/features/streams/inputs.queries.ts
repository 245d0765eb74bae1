import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { API_ORIGIN, api, expectOk, type Schemas, unwrap } from '../../api/client';

export type StreamInput = Schemas['StreamInput'];
export type StreamProgram = Schemas['StreamProgram'];

const key = (appId: string, streamId: string) => ['apps', appId, 'streams', streamId, 'inputs'] as const;
const path = (appId: string, streamId: string) => ({ path: { app_id: appId, stream_id: streamId } });

/** Connections and the program change within seconds while live; the switcher polls like the stream does. */
const POLL_MS = 2_000;

export function useStreamInputs(appId: string, streamId: string) {
  return useQuery({
    queryKey: key(appId, streamId),
    queryFn: () =>
      unwrap(
        api.GET('/v1/apps/{app_id}/streams/{stream_id}/inputs', {
          params: { ...path(appId, streamId), query: { limit: 100 } },
        }),
      ),
    refetchInterval: POLL_MS,
  });
}

export function useStreamProgram(appId: string, streamId: string) {
  return useQuery({
    queryKey: [...key(appId, streamId), 'program'],
    queryFn: () => unwrap(api.GET('/v1/apps/{app_id}/streams/{stream_id}/program', { params: path(appId, streamId) })),
    refetchInterval: POLL_MS,
  });
}

function useInputMutation<V>(appId: string, streamId: string, fn: (v: V) => Promise<unknown>) {
  const qc = useQueryClient();
  return useMutation({ mutationFn: fn, onSuccess: () => qc.invalidateQueries({ queryKey: key(appId, streamId) }) });
}

export const useAddInput = (appId: string, streamId: string) =>
  useInputMutation(appId, streamId, (name: string) =>
    unwrap(api.POST('/v1/apps/{app_id}/streams/{stream_id}/inputs', { params: path(appId, streamId), body: { name } })),
  );

export const useDeleteInput = (appId: string, streamId: string) =>
  useInputMutation(appId, streamId, (id: string) =>
    expectOk(
      api.DELETE('/v1/apps/{app_id}/streams/{stream_id}/inputs/{input_id}', {
        params: { path: { app_id: appId, stream_id: streamId, input_id: id } },
      }),
    ),
  );

export const useSwitchInput = (appId: string, streamId: string) =>
  useInputMutation(appId, streamId, (inputId: string) =>
    unwrap(
      api.POST('/v1/apps/{app_id}/streams/{stream_id}/switch', {
        params: path(appId, streamId),
        body: { input_id: inputId },
      }),
    ),
  );

export const useSetFailover = (appId: string, streamId: string) =>
  useInputMutation(appId, streamId, (autoFailover: boolean) =>
    unwrap(
      api.PATCH('/v1/apps/{app_id}/streams/{stream_id}/program', {
        params: path(appId, streamId),
        body: { auto_failover: autoFailover },
      }),
    ),
  );

/**
 * The signed HLS URL of an input's preview rung (the URL is the credential, so hls.js needs no
 * cookie). It lives an hour; asking again well before keeps the player on one URL meanwhile.
 */
export function useInputPreview(appId: string, streamId: string, inputId: string, enabled: boolean) {
  return useQuery({
    queryKey: [...key(appId, streamId), inputId, 'preview'],
    queryFn: () =>
      unwrap(
        api.GET('/v1/apps/{app_id}/streams/{stream_id}/inputs/{input_id}/preview', {
          params: { path: { app_id: appId, stream_id: streamId, input_id: inputId } },
        }),
      ),
    enabled,
    // 404 while the input has no preview (the origin sends them only while two or more inputs are
    // connected): ask again every few seconds; once there is one, its URL holds for an hour.
    retry: false,
    staleTime: 45 * 60_000,
    refetchInterval: (query) => (query.state.data ? 45 * 60_000 : 5_000),
  });
}

/** The preview frame (the session cookie opens it, like every console call); `v` defeats the image cache. */
export const previewUrl = (appId: string, streamId: string, inputId: string, v: number) =>
  `${API_ORIGIN}/v1/apps/${appId}/streams/${streamId}/inputs/${inputId}/thumbnail.jpg?v=${v}`;
