import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, expectOk, type Schemas, unwrap } from '../../api/client';

export type Domain = Schemas['Domain'];

const listKey = (appId: string) => ['apps', appId, 'domains'] as const;

export function useDomains(appId: string) {
  return useQuery({
    queryKey: listKey(appId),
    queryFn: () =>
      unwrap(api.GET('/v1/apps/{app_id}/domains', { params: { path: { app_id: appId }, query: { limit: 100 } } })),
  });
}

export function useAddDomain(appId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (hostname: string) =>
      unwrap(api.POST('/v1/apps/{app_id}/domains', { params: { path: { app_id: appId } }, body: { hostname } })),
    onSuccess: () => qc.invalidateQueries({ queryKey: listKey(appId) }),
  });
}

export function useVerifyDomain(appId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (domainId: string) =>
      unwrap(
        api.POST('/v1/apps/{app_id}/domains/{domain_id}/verify', {
          params: { path: { app_id: appId, domain_id: domainId } },
        }),
      ),
    onSettled: () => qc.invalidateQueries({ queryKey: listKey(appId) }),
  });
}

export function useDeleteDomain(appId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (domainId: string) =>
      expectOk(
        api.DELETE('/v1/apps/{app_id}/domains/{domain_id}', {
          params: { path: { app_id: appId, domain_id: domainId } },
        }),
      ),
    onSuccess: () => qc.invalidateQueries({ queryKey: listKey(appId) }),
  });
}
