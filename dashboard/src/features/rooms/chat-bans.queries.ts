import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, expectOk, unwrap } from '../../api/client';

const key = (appId: string) => ['apps', appId, 'chat-bans'] as const;

/** Bans from every room of the app (`/v1/apps/{app_id}/chat-bans`), expired ones included until lifted. */
export function useChatBans(appId: string) {
  return useQuery({
    queryKey: key(appId),
    queryFn: () =>
      unwrap(api.GET('/v1/apps/{app_id}/chat-bans', { params: { path: { app_id: appId }, query: { limit: 100 } } })),
  });
}

export type ChatBan = NonNullable<ReturnType<typeof useChatBans>['data']>['data'][number];

export function useCreateChatBan(appId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { user_id: string; reason?: string; duration_seconds?: number }) =>
      unwrap(api.POST('/v1/apps/{app_id}/chat-bans', { params: { path: { app_id: appId } }, body })),
    onSuccess: () => qc.invalidateQueries({ queryKey: key(appId) }),
  });
}

export function useLiftChatBan(appId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (userId: string) =>
      expectOk(
        api.DELETE('/v1/apps/{app_id}/chat-bans/{user_id}', { params: { path: { app_id: appId, user_id: userId } } }),
      ),
    onSuccess: () => qc.invalidateQueries({ queryKey: key(appId) }),
  });
}
