import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, expectOk, type Schemas, unwrap } from '../../api/client';
import type { paths } from '../../api/schema';

export type Branding = Schemas['Branding'];
export type BrandingInput = NonNullable<
  paths['/v1/apps/{app_id}/branding']['put']['requestBody']
>['content']['application/json'];

const key = (appId: string) => ['apps', appId, 'branding'] as const;
const p = (appId: string) => ({ params: { path: { app_id: appId } } });

export function useBranding(appId: string) {
  return useQuery({ queryKey: key(appId), queryFn: () => unwrap(api.GET('/v1/apps/{app_id}/branding', p(appId))) });
}

export function useSaveBranding(appId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: BrandingInput) => unwrap(api.PUT('/v1/apps/{app_id}/branding', { ...p(appId), body })),
    onSuccess: (b) => qc.setQueryData(key(appId), b),
  });
}

export function useResetBranding(appId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => expectOk(api.DELETE('/v1/apps/{app_id}/branding', p(appId))),
    onSuccess: () => qc.invalidateQueries({ queryKey: key(appId) }),
  });
}
