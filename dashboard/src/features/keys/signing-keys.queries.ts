import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, expectOk, type Schemas, unwrap } from '../../api/client';

export type SigningKey = Schemas['SigningKey'];
export type SigningKeyWithPrivate = Schemas['SigningKeyWithPrivate'];

const key = (appId: string) => ['apps', appId, 'signing-keys'] as const;

export function useSigningKeys(appId: string) {
  return useQuery({
    queryKey: key(appId),
    queryFn: () =>
      unwrap(api.GET('/v1/apps/{app_id}/signing-keys', { params: { path: { app_id: appId }, query: { limit: 100 } } })),
  });
}

export function useCreateSigningKey(appId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (name: string) =>
      unwrap(
        api.POST('/v1/apps/{app_id}/signing-keys', { params: { path: { app_id: appId } }, body: name ? { name } : {} }),
      ),
    onSuccess: () => qc.invalidateQueries({ queryKey: key(appId) }),
  });
}

export function useDeleteSigningKey(appId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      expectOk(
        api.DELETE('/v1/apps/{app_id}/signing-keys/{signing_key_id}', {
          params: { path: { app_id: appId, signing_key_id: id } },
        }),
      ),
    onSuccess: () => qc.invalidateQueries({ queryKey: key(appId) }),
  });
}
