import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, expectOk, unwrap } from '../../api/client';
import { meKey } from '../../session/session.queries';

/** The account's own settings and the mailed-link flows (verify, reset, email change) and TOTP. */
export const useVerifyEmail = () =>
  useMutation({ mutationFn: (token: string) => unwrap(api.POST('/v1/auth/verify-email', { body: { token } })) });

export const useResendVerification = () =>
  useMutation({ mutationFn: () => unwrap(api.POST('/v1/auth/verify-email/send')) });

export const useRequestReset = () =>
  useMutation({ mutationFn: (email: string) => unwrap(api.POST('/v1/auth/password-reset', { body: { email } })) });

export const useConfirmReset = () =>
  useMutation({
    mutationFn: (body: { token: string; password: string }) =>
      expectOk(api.POST('/v1/auth/password-reset/confirm', { body })),
  });

export const useRequestEmailChange = () =>
  useMutation({
    mutationFn: (body: { new_email: string; password: string }) => unwrap(api.POST('/v1/auth/email-change', { body })),
  });

export function useConfirmEmailChange() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (token: string) => expectOk(api.POST('/v1/auth/email-change/confirm', { body: { token } })),
    onSuccess: () => qc.invalidateQueries({ queryKey: meKey }),
  });
}

export const useStartTotp = () => useMutation({ mutationFn: () => unwrap(api.POST('/v1/auth/totp/enroll')) });

export const useConfirmTotp = () =>
  useMutation({ mutationFn: (code: string) => unwrap(api.POST('/v1/auth/totp/confirm', { body: { code } })) });

export const useDisableTotp = () =>
  useMutation({
    mutationFn: (password: string) => expectOk(api.POST('/v1/auth/totp/disable', { body: { password } })),
  });

export function useRequireTwoFactor(orgId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (on: boolean) =>
      unwrap(
        api.PATCH('/v1/orgs/{org_id}/security', {
          params: { path: { org_id: orgId } },
          body: { require_two_factor: on },
        }),
      ),
    onSuccess: () => qc.invalidateQueries(),
  });
}
