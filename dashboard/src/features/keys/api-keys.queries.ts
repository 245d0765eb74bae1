import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, type Schemas, unwrap } from '../../api/client';

export type ApiKey = Schemas['ApiKey'];
export type ApiKeyWithSecret = Schemas['ApiKeyWithSecret'];

const key = (appId: string) => ['apps', appId, 'api-keys'] as const;
const path = (appId: string) => ({ params: { path: { app_id: appId } } });

export function useApiKeys(appId: string) {
  return useQuery({
    queryKey: key(appId),
    queryFn: () =>
      unwrap(api.GET('/v1/apps/{app_id}/api-keys', { params: { path: { app_id: appId }, query: { limit: 100 } } })),
  });
}

export function useCreateApiKey(appId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (name: string) => unwrap(api.POST('/v1/apps/{app_id}/api-keys', { ...path(appId), body: { name } })),
    onSuccess: () => qc.invalidateQueries({ queryKey: key(appId) }),
  });
}

export function useRevokeApiKey(appId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (keyId: string) =>
      unwrap(api.DELETE('/v1/apps/{app_id}/api-keys/{key_id}', { params: { path: { app_id: appId, key_id: keyId } } })),
    onSuccess: () => qc.invalidateQueries({ queryKey: key(appId) }),
  });
}

export function useRotateApiKey(appId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (keyId: string) =>
      unwrap(
        api.POST('/v1/apps/{app_id}/api-keys/{key_id}/rotate', { params: { path: { app_id: appId, key_id: keyId } } }),
      ),
    onSuccess: () => qc.invalidateQueries({ queryKey: key(appId) }),
  });
}
