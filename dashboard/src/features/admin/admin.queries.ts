import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import { meKey } from '../../session/session.queries';

/** The platform operator's admin area (/v1/admin): lists, and the actions each audited server-side. */
const adminKey = ['admin'] as const;

export function useAdminOrgs() {
  return useQuery({
    queryKey: [...adminKey, 'orgs'],
    queryFn: () => unwrap(api.GET('/v1/admin/orgs', { params: { query: { limit: 100 } } })),
  });
}

export function useAdminLiveStreams() {
  return useQuery({
    queryKey: [...adminKey, 'live'],
    queryFn: () => unwrap(api.GET('/v1/admin/streams/live')),
    refetchInterval: 5000,
  });
}

export function useAdminUsers(email: string) {
  return useQuery({
    queryKey: [...adminKey, 'users', email],
    queryFn: () =>
      unwrap(api.GET('/v1/admin/users', { params: { query: { limit: 50, ...(email ? { email } : {}) } } })),
  });
}

export function useOperatorAudit() {
  return useQuery({
    queryKey: [...adminKey, 'audit'],
    queryFn: () => unwrap(api.GET('/v1/admin/audit-log', { params: { query: { limit: 50 } } })),
  });
}

/** Every action changes what the lists show and adds an audit row: refetch the whole area. */
function useAdminAction<V>(run: (v: V) => Promise<unknown>) {
  const qc = useQueryClient();
  return useMutation({ mutationFn: run, onSuccess: () => qc.invalidateQueries({ queryKey: adminKey }) });
}

export const useSuspendOrg = () =>
  useAdminAction(({ orgId, reason }: { orgId: string; reason: string }) =>
    unwrap(api.POST('/v1/admin/orgs/{org_id}/suspend', { params: { path: { org_id: orgId } }, body: { reason } })),
  );

export const useUnsuspendOrg = () =>
  useAdminAction((orgId: string) =>
    unwrap(api.POST('/v1/admin/orgs/{org_id}/unsuspend', { params: { path: { org_id: orgId } } })),
  );

export const useKillStream = () =>
  useAdminAction(({ streamId, reason }: { streamId: string; reason: string }) =>
    unwrap(
      api.POST('/v1/admin/streams/{stream_id}/kill', { params: { path: { stream_id: streamId } }, body: { reason } }),
    ),
  );

/** The browser's session becomes the user's (read-only) one: everything cached was the operator's. */
export function useViewAs() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ userId, reason }: { userId: string; reason: string }) =>
      unwrap(
        api.POST('/v1/admin/users/{user_id}/view-as', { params: { path: { user_id: userId } }, body: { reason } }),
      ),
    onSuccess: () => qc.clear(),
  });
}

export function useEndViewAs() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(api.POST('/v1/auth/view-as/end')),
    onSettled: () => {
      qc.clear();
      void qc.invalidateQueries({ queryKey: meKey });
    },
  });
}
