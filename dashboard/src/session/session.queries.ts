import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, expectOk, type Schemas, unwrap } from '../api/client';
import { isUnauthorized } from '../api/errors';

/** Who is signed in; `operator` and `view_as` come only from /v1/auth/me (sign-in answers refetch it). */
export type Me = {
  user: Schemas['User'];
  orgs: Schemas['OrgMembership'][];
  operator?: boolean;
  two_factor?: boolean;
  view_as?: { operator_id: string } | null;
};

export const meKey = ['me'] as const;

/** The signed-in user, or null when nobody is (401 is an answer here, not an error). */
export function useMe() {
  return useQuery({
    queryKey: meKey,
    queryFn: async (): Promise<Me | null> => {
      try {
        return await unwrap(api.GET('/v1/auth/me'));
      } catch (err) {
        if (isUnauthorized(err)) return null;
        throw err;
      }
    },
    staleTime: 60_000,
  });
}

export function useSignIn() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { email: string; password: string }) => unwrap(api.POST('/v1/auth/login', { body })),
    onSuccess: (s) => {
      qc.clear();
      qc.setQueryData<Me>(meKey, { user: s.user, orgs: s.orgs });
      void qc.invalidateQueries({ queryKey: meKey });
    },
  });
}

export function useSignUp() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { email: string; password: string; name: string; org_name?: string }) =>
      unwrap(api.POST('/v1/auth/register', { body })),
    onSuccess: (s) => {
      qc.clear();
      qc.setQueryData<Me>(meKey, { user: s.user, orgs: s.orgs });
    },
  });
}

export function useSignOut() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => expectOk(api.POST('/v1/auth/logout')),
    // Whatever the server said, this browser forgets everything it cached for that user.
    onSettled: () => {
      qc.clear();
      qc.setQueryData(meKey, null);
    },
  });
}
