import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { API_ORIGIN, api, unwrap } from '../../api/client';
import { type Me, meKey } from '../../session/session.queries';

/** The providers this deployment configured (an empty list hides the buttons). */
export function useOAuthProviders() {
  return useQuery({
    queryKey: ['oauth-providers'],
    queryFn: () => unwrap(api.GET('/v1/auth/oauth/providers')),
    staleTime: 5 * 60_000,
  });
}

/** Where "Sign in with …" goes: the Worker's start route, which comes back to `next` on this console. */
export const oauthStartUrl = (provider: string, next: string) =>
  `${API_ORIGIN}/v1/auth/oauth/${provider}/start?return_to=${encodeURIComponent(`${window.location.origin}${next}`)}`;

/** The second step of a provider sign-in for an account with two-factor sign-in. */
export function useCompleteOAuth() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { totp_code?: string; recovery_code?: string }) =>
      unwrap(api.POST('/v1/auth/oauth/complete', { body })),
    onSuccess: (s) => {
      qc.clear();
      qc.setQueryData<Me>(meKey, { user: s.user, orgs: s.orgs });
      void qc.invalidateQueries({ queryKey: meKey });
    },
  });
}
