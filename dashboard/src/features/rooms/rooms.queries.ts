import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, expectOk, type Schemas, unwrap } from '../../api/client';

export type Room = Schemas['Room'];
export type RoomWithLive = Schemas['RoomWithLive'];
export type RoomSettingsPatch = Schemas['RoomSettingsPatch'];
export type ChatMessage = Schemas['ChatMessage'];
export type ChatFlag = Schemas['ChatFlag'];
export type RestrictionKind = 'bans' | 'mutes' | 'shadow-bans';

export const roomKeys = {
  list: (appId: string) => ['apps', appId, 'rooms'] as const,
  one: (appId: string, id: string) => ['apps', appId, 'rooms', id] as const,
  messages: (appId: string, id: string) => ['apps', appId, 'rooms', id, 'messages'] as const,
  restrictions: (appId: string, id: string, kind: RestrictionKind) => ['apps', appId, 'rooms', id, kind] as const,
  flags: (appId: string, id: string) => ['apps', appId, 'rooms', id, 'flags'] as const,
};

const p = (appId: string, roomId: string) => ({ params: { path: { app_id: appId, room_id: roomId } } });

/** Live numbers (messages per minute) re-read the history this often. */
export const MODERATION_POLL_MS = 2_000;

export function useRooms(appId: string) {
  return useQuery({
    queryKey: roomKeys.list(appId),
    queryFn: () =>
      unwrap(api.GET('/v1/apps/{app_id}/rooms', { params: { path: { app_id: appId }, query: { limit: 100 } } })),
  });
}

export function useRoom(appId: string, roomId: string, pollMs: number | false = 3_000) {
  return useQuery({
    queryKey: roomKeys.one(appId, roomId),
    queryFn: () => unwrap(api.GET('/v1/apps/{app_id}/rooms/{room_id}', p(appId, roomId))),
    refetchInterval: pollMs,
    enabled: roomId !== '',
  });
}

export function useCreateRoom(appId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (name: string) =>
      unwrap(api.POST('/v1/apps/{app_id}/rooms', { params: { path: { app_id: appId } }, body: { name } })),
    onSuccess: () => qc.invalidateQueries({ queryKey: roomKeys.list(appId) }),
  });
}

export function useUpdateRoomSettings(appId: string, roomId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (settings: RoomSettingsPatch) =>
      unwrap(api.PATCH('/v1/apps/{app_id}/rooms/{room_id}', { ...p(appId, roomId), body: { settings } })),
    onSuccess: () => qc.invalidateQueries({ queryKey: roomKeys.one(appId, roomId) }),
  });
}

export function useDeleteRoom(appId: string, roomId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => expectOk(api.DELETE('/v1/apps/{app_id}/rooms/{room_id}', p(appId, roomId))),
    onSuccess: () => qc.invalidateQueries({ queryKey: roomKeys.list(appId) }),
  });
}

export function useRoomMessages(appId: string, roomId: string) {
  return useQuery({
    queryKey: roomKeys.messages(appId, roomId),
    queryFn: () =>
      unwrap(
        api.GET('/v1/apps/{app_id}/rooms/{room_id}/messages', {
          params: { path: { app_id: appId, room_id: roomId }, query: { limit: 100 } },
        }),
      ),
    refetchInterval: MODERATION_POLL_MS,
  });
}

export function useDeleteMessage(appId: string, roomId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (messageId: string) =>
      expectOk(
        api.DELETE('/v1/apps/{app_id}/rooms/{room_id}/messages/{message_id}', {
          params: { path: { app_id: appId, room_id: roomId, message_id: messageId } },
        }),
      ),
    onSuccess: () => qc.invalidateQueries({ queryKey: roomKeys.messages(appId, roomId) }),
  });
}

function restrictionPath(kind: RestrictionKind) {
  return kind === 'bans'
    ? ('/v1/apps/{app_id}/rooms/{room_id}/bans' as const)
    : kind === 'mutes'
      ? ('/v1/apps/{app_id}/rooms/{room_id}/mutes' as const)
      : ('/v1/apps/{app_id}/rooms/{room_id}/shadow-bans' as const);
}

export function useRestrictions(appId: string, roomId: string, kind: RestrictionKind) {
  return useQuery({
    queryKey: roomKeys.restrictions(appId, roomId, kind),
    queryFn: () => unwrap(api.GET(restrictionPath(kind), p(appId, roomId))).then((r) => r.data),
    refetchInterval: 10_000,
  });
}

export interface RestrictInput {
  kind: RestrictionKind;
  user_id: string;
  duration_seconds?: number;
  reason?: string;
}

export function useRestrict(appId: string, roomId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ kind, ...body }: RestrictInput) =>
      unwrap(api.POST(restrictionPath(kind), { ...p(appId, roomId), body })),
    onSuccess: (_r, v) => qc.invalidateQueries({ queryKey: roomKeys.restrictions(appId, roomId, v.kind) }),
  });
}

export function useLift(appId: string, roomId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ kind, user_id }: { kind: RestrictionKind; user_id: string }) => {
      const params = { params: { path: { app_id: appId, room_id: roomId, user_id } } };
      return expectOk(
        kind === 'bans'
          ? api.DELETE('/v1/apps/{app_id}/rooms/{room_id}/bans/{user_id}', params)
          : kind === 'mutes'
            ? api.DELETE('/v1/apps/{app_id}/rooms/{room_id}/mutes/{user_id}', params)
            : api.DELETE('/v1/apps/{app_id}/rooms/{room_id}/shadow-bans/{user_id}', params),
      );
    },
    onSuccess: (_r, v) => qc.invalidateQueries({ queryKey: roomKeys.restrictions(appId, roomId, v.kind) }),
  });
}

export function useFlags(appId: string, roomId: string) {
  return useQuery({
    queryKey: roomKeys.flags(appId, roomId),
    queryFn: () =>
      unwrap(
        api.GET('/v1/apps/{app_id}/rooms/{room_id}/flags', {
          params: { path: { app_id: appId, room_id: roomId }, query: { status: 'open', limit: 100 } },
        }),
      ),
    refetchInterval: 5_000,
  });
}

export function useResolveFlag(appId: string, roomId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ flagId, action }: { flagId: string; action: 'dismiss' | 'delete_message' }) =>
      unwrap(
        api.POST('/v1/apps/{app_id}/rooms/{room_id}/flags/{flag_id}/resolve', {
          params: { path: { app_id: appId, room_id: roomId, flag_id: flagId } },
          body: { action },
        }),
      ),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: roomKeys.flags(appId, roomId) });
      void qc.invalidateQueries({ queryKey: roomKeys.messages(appId, roomId) });
    },
  });
}
