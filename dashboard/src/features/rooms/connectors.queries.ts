import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, expectOk, type Schemas, unwrap } from '../../api/client';

export type ChatConnector = Schemas['ChatConnector'];

const key = (appId: string, roomId: string) => ['apps', appId, 'rooms', roomId, 'connectors'] as const;
const path = (appId: string, roomId: string) => ({ path: { app_id: appId, room_id: roomId } });

/** A connector's status changes when its IRC connection or YouTube poll does: re-read like the room is. */
const POLL_MS = 3_000;

export function useConnectors(appId: string, roomId: string) {
  return useQuery({
    queryKey: key(appId, roomId),
    queryFn: () => unwrap(api.GET('/v1/apps/{app_id}/rooms/{room_id}/connectors', { params: path(appId, roomId) })),
    refetchInterval: POLL_MS,
  });
}

export function useDeleteConnector(appId: string, roomId: string) {
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

export type CreateConnector = Schemas['CreateChatConnector'];

export function useAddConnector(appId: string, roomId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateConnector) =>
      unwrap(api.POST('/v1/apps/{app_id}/rooms/{room_id}/connectors', { params: path(appId, roomId), body })),
    onSuccess: () => qc.invalidateQueries({ queryKey: key(appId, roomId) }),
  });
}
