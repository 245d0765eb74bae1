import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, expectOk, type Schemas, unwrap } from '../../api/client';

export type Connector = Schemas['ChatConnector'];
export type CreateConnector = Schemas['CreateChatConnector'];

const key = (appId: string, roomId: string) => ['apps', appId, 'rooms', roomId, 'connectors'] as const;
const p = (appId: string, roomId: string) => ({ params: { path: { app_id: appId, room_id: roomId } } });

/** A connector's status moves on its own (connecting → connected, or errored): poll while any is not settled. */
export function useConnectors(appId: string, roomId: string) {
  return useQuery({
    queryKey: key(appId, roomId),
    queryFn: () => unwrap(api.GET('/v1/apps/{app_id}/rooms/{room_id}/connectors', p(appId, roomId))),
    refetchInterval: (q) => (q.state.data?.data.some((c) => c.status === 'connecting') ? 1_000 : 10_000),
  });
}

export function useAddConnector(appId: string, roomId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateConnector) =>
      unwrap(api.POST('/v1/apps/{app_id}/rooms/{room_id}/connectors', { ...p(appId, roomId), body })),
    onSuccess: () => qc.invalidateQueries({ queryKey: key(appId, roomId) }),
  });
}

export function useRemoveConnector(appId: string, roomId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (connectorId: string) =>
      expectOk(
        api.DELETE('/v1/apps/{app_id}/rooms/{room_id}/connectors/{connector_id}', {
          params: { path: { app_id: appId, room_id: roomId, connector_id: connectorId } },
        }),
      ),
    onSuccess: () => qc.invalidateQueries({ queryKey: key(appId, roomId) }),
  });
}
