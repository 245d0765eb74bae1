import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, expectOk, type Schemas, unwrap } from '../../api/client';

export type SimulcastTarget = Schemas['SimulcastTarget'];
export type CreateSimulcastTarget = Schemas['CreateSimulcastTarget'];

const key = (appId: string, streamId: string) => ['apps', appId, 'streams', streamId, 'simulcast-targets'] as const;
const path = (appId: string, streamId: string) => ({ path: { app_id: appId, stream_id: streamId } });
const one = (appId: string, streamId: string, targetId: string) => ({
  params: { path: { app_id: appId, stream_id: streamId, target_id: targetId } },
});

/** Statuses change with the origin's pushes (seconds apart), so the list polls like the stream does. */
const POLL_MS = 3_000;

export function useSimulcastTargets(appId: string, streamId: string) {
  return useQuery({
    queryKey: key(appId, streamId),
    queryFn: () =>
      unwrap(
        api.GET('/v1/apps/{app_id}/streams/{stream_id}/simulcast-targets', {
          params: { ...path(appId, streamId), query: { limit: 100 } },
        }),
      ),
    refetchInterval: POLL_MS,
  });
}

function useTargetMutation<V>(appId: string, streamId: string, fn: (v: V) => Promise<unknown>) {
  const qc = useQueryClient();
  return useMutation({ mutationFn: fn, onSuccess: () => qc.invalidateQueries({ queryKey: key(appId, streamId) }) });
}

export const useAddSimulcastTarget = (appId: string, streamId: string) =>
  useTargetMutation(appId, streamId, (body: CreateSimulcastTarget) =>
    unwrap(
      api.POST('/v1/apps/{app_id}/streams/{stream_id}/simulcast-targets', { params: path(appId, streamId), body }),
    ),
  );

export const useSetTargetEnabled = (appId: string, streamId: string) =>
  useTargetMutation(appId, streamId, (v: { id: string; enabled: boolean }) =>
    unwrap(
      api.PATCH('/v1/apps/{app_id}/streams/{stream_id}/simulcast-targets/{target_id}', {
        ...one(appId, streamId, v.id),
        body: { enabled: v.enabled },
      }),
    ),
  );

export const useDeleteSimulcastTarget = (appId: string, streamId: string) =>
  useTargetMutation(appId, streamId, (id: string) =>
    expectOk(
      api.DELETE('/v1/apps/{app_id}/streams/{stream_id}/simulcast-targets/{target_id}', one(appId, streamId, id)),
    ),
  );
