import { startAuthentication, startRegistration } from '@simplewebauthn/browser';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, expectOk, type Schemas, unwrap } from '../../api/client';
import { type Me, meKey } from '../../session/session.queries';

export type Passkey = Schemas['Passkey'];

const key = ['account', 'passkeys'] as const;

// The options and answers are WebAuthn JSON; the Worker (@simplewebauthn/server) made and checks them.
type CreationOptions = Parameters<typeof startRegistration>[0]['optionsJSON'];
type RequestOptions = Parameters<typeof startAuthentication>[0]['optionsJSON'];
type Answer = Schemas['WebAuthnResponse'];

export function usePasskeys() {
  return useQuery({ queryKey: key, queryFn: () => unwrap(api.GET('/v1/auth/passkeys')) });
}

/** Options from the Worker, the browser's authenticator (navigator.credentials.create), then the enrolment. */
export function useRegisterPasskey() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (name: string) => {
      const options = await unwrap(api.POST('/v1/auth/passkeys/register/options'));
      const response = await startRegistration({ optionsJSON: options as unknown as CreationOptions });
      return unwrap(api.POST('/v1/auth/passkeys', { body: { response: response as unknown as Answer, name } }));
    },
    onSuccess: () => qc.invalidateQueries({ queryKey: key }),
  });
}

export function useRemovePasskey() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      expectOk(api.DELETE('/v1/auth/passkeys/{passkey_id}', { params: { path: { passkey_id: id } } })),
    onSuccess: () => qc.invalidateQueries({ queryKey: key }),
  });
}

/** Sign in with a passkey alone: the authenticator verified the user, so there is no password or code step. */
export function usePasskeySignIn() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async () => {
      const options = await unwrap(api.POST('/v1/auth/passkeys/sign-in/options'));
      const response = await startAuthentication({ optionsJSON: options as unknown as RequestOptions });
      return unwrap(api.POST('/v1/auth/passkeys/sign-in', { body: { response: response as unknown as Answer } }));
    },
    onSuccess: (s) => {
      qc.clear();
      qc.setQueryData<Me>(meKey, { user: s.user, orgs: s.orgs });
      void qc.invalidateQueries({ queryKey: meKey });
    },
  });
}
