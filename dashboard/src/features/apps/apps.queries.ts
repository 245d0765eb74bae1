import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, expectOk, type Schemas, unwrap } from '../../api/client';

export type App = Schemas['App'];
export type AppSettings = Schemas['AppSettings'];

export const appKeys = {
  list: (orgId: string, archived: boolean) => ['apps', 'list', orgId, archived] as const,
  one: (appId: string) => ['apps', appId] as const,
};

export function useApps(orgId: string, includeArchived: boolean) {
  return useQuery({
    queryKey: appKeys.list(orgId, includeArchived),
    queryFn: () =>
      unwrap(
        api.GET('/v1/apps', {
          params: { query: { org_id: orgId, include_archived: includeArchived ? 'true' : 'false', limit: 100 } },
        }),
      ),
  });
}

export function useApp(appId: string) {
  return useQuery({
    queryKey: appKeys.one(appId),
    queryFn: () => unwrap(api.GET('/v1/apps/{app_id}', { params: { path: { app_id: appId } } })),
    enabled: appId !== '',
  });
}

export function useCreateApp() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { org_id: string; name: string; description?: string }) =>
      unwrap(api.POST('/v1/apps', { body })),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['apps', 'list'] }),
  });
}

export function useUpdateApp(appId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { name?: string; description?: string; settings?: AppSettings }) =>
      unwrap(api.PATCH('/v1/apps/{app_id}', { params: { path: { app_id: appId } }, body })),
    onSuccess: (app) => {
      qc.setQueryData(appKeys.one(appId), app);
      void qc.invalidateQueries({ queryKey: ['apps', 'list'] });
    },
  });
}

export function useArchiveApp(appId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (archive: boolean) =>
      unwrap(
        archive
          ? api.POST('/v1/apps/{app_id}/archive', { params: { path: { app_id: appId } } })
          : api.POST('/v1/apps/{app_id}/unarchive', { params: { path: { app_id: appId } } }),
      ),
    onSuccess: (app) => {
      qc.setQueryData(appKeys.one(appId), app);
      void qc.invalidateQueries({ queryKey: ['apps', 'list'] });
    },
  });
}

export function useDeleteApp(appId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => expectOk(api.DELETE('/v1/apps/{app_id}', { params: { path: { app_id: appId } } })),
    onSuccess: () => {
      qc.removeQueries({ queryKey: appKeys.one(appId) });
      void qc.invalidateQueries({ queryKey: ['apps', 'list'] });
    },
  });
}
