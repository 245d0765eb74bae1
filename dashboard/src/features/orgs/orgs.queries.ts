import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, expectOk, type Schemas, unwrap } from '../../api/client';

export type Role = Schemas['Org']['role'];
export const ROLES: readonly Role[] = ['owner', 'admin', 'developer', 'viewer'];
const RANK: Record<Role, number> = { viewer: 0, developer: 1, admin: 2, owner: 3 };
/** Mirrors the Worker's rule, only to hide buttons a role cannot use; the API still decides. */
export const roleAtLeast = (role: Role | undefined, min: Role) => role !== undefined && RANK[role] >= RANK[min];

export const orgKeys = {
  all: ['orgs'] as const,
  members: (orgId: string) => ['orgs', orgId, 'members'] as const,
  invitations: (orgId: string) => ['orgs', orgId, 'invitations'] as const,
};

export function useOrgs() {
  return useQuery({ queryKey: orgKeys.all, queryFn: () => unwrap(api.GET('/v1/orgs')).then((r) => r.data) });
}

export function useCreateOrg() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (name: string) => unwrap(api.POST('/v1/orgs', { body: { name } })),
    onSuccess: () => qc.invalidateQueries({ queryKey: orgKeys.all }),
  });
}

export function useRenameOrg(orgId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (name: string) =>
      unwrap(api.PATCH('/v1/orgs/{org_id}', { params: { path: { org_id: orgId } }, body: { name } })),
    onSuccess: () => qc.invalidateQueries({ queryKey: orgKeys.all }),
  });
}

export function useMembers(orgId: string) {
  return useQuery({
    queryKey: orgKeys.members(orgId),
    queryFn: () =>
      unwrap(api.GET('/v1/orgs/{org_id}/members', { params: { path: { org_id: orgId } } })).then((r) => r.data),
  });
}

export function useChangeRole(orgId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ memberId, role }: { memberId: string; role: Role }) =>
      unwrap(
        api.PATCH('/v1/orgs/{org_id}/members/{member_id}', {
          params: { path: { org_id: orgId, member_id: memberId } },
          body: { role },
        }),
      ),
    onSuccess: () => qc.invalidateQueries({ queryKey: orgKeys.members(orgId) }),
  });
}

export function useRemoveMember(orgId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (memberId: string) =>
      expectOk(
        api.DELETE('/v1/orgs/{org_id}/members/{member_id}', {
          params: { path: { org_id: orgId, member_id: memberId } },
        }),
      ),
    onSuccess: () => qc.invalidateQueries({ queryKey: orgKeys.members(orgId) }),
  });
}

export function useInvitations(orgId: string) {
  return useQuery({
    queryKey: orgKeys.invitations(orgId),
    queryFn: () =>
      unwrap(api.GET('/v1/orgs/{org_id}/invitations', { params: { path: { org_id: orgId } } })).then((r) => r.data),
  });
}

export function useInvite(orgId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { email: string; role: Role }) =>
      unwrap(api.POST('/v1/orgs/{org_id}/invitations', { params: { path: { org_id: orgId } }, body })),
    onSuccess: () => qc.invalidateQueries({ queryKey: orgKeys.invitations(orgId) }),
  });
}

export function useRevokeInvitation(orgId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (invitationId: string) =>
      expectOk(
        api.DELETE('/v1/orgs/{org_id}/invitations/{invitation_id}', {
          params: { path: { org_id: orgId, invitation_id: invitationId } },
        }),
      ),
    onSuccess: () => qc.invalidateQueries({ queryKey: orgKeys.invitations(orgId) }),
  });
}
