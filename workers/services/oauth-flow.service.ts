import { jwtVerify, SignJWT } from 'jose';
import * as oauth from 'oauth4webapi';
import { ApiError } from '../lib/errors';
import { authorizationServer, type OAuthProvider, type ProviderConfig } from '../lib/oauth-providers';

/**
 * The authorization code flow with PKCE, state and (OIDC) nonce, done by oauth4webapi. What the
 * callback must compare against (state, code verifier, nonce, where to go after) travels in a
 * short-lived HttpOnly cookie signed with the session secret: nothing is stored server-side, and a
 * callback that was not started by this browser has no cookie to match.
 */
export const FLOW_COOKIE = 'edgelive_oauth';
export const FLOW_TTL_S = 600;
const FLOW_AUDIENCE = 'edgelive:oauth-flow';

export interface Flow {
  provider: OAuthProvider;
  state: string;
  verifier: string;
  nonce: string | null;
  returnTo: string;
}

/** What the provider told us about the person, once the code was exchanged. */
export interface ProviderProfile {
  provider: OAuthProvider;
  subject: string;
  email: string | null;
  emailVerified: boolean;
  name: string | null;
}

/** Whether plain http is allowed (loopback providers only, see oauth-providers.ts). */
type Insecure = { [oauth.allowInsecureRequests]: boolean };

const key = (secret: string) => new TextEncoder().encode(secret);
const refused = (code: string, message: string, details?: unknown) => new ApiError(400, code, message, details);

export async function beginFlow(p: ProviderConfig, secret: string, redirectUri: string, returnTo: string) {
  const as = await authorizationServer(p).catch((err: unknown) => {
    throw new ApiError(502, 'oauth_provider_unreachable', `Could not read ${p.id}'s OpenID configuration.`, {
      reason: err instanceof Error ? err.message : String(err),
    });
  });
  const flow: Flow = {
    provider: p.id,
    state: oauth.generateRandomState(),
    verifier: oauth.generateRandomCodeVerifier(),
    nonce: p.issuer ? oauth.generateRandomNonce() : null,
    returnTo,
  };
  const url = new URL(as.authorization_endpoint!);
  url.searchParams.set('client_id', p.client.client_id);
  url.searchParams.set('redirect_uri', redirectUri);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('scope', p.scope);
  url.searchParams.set('state', flow.state);
  url.searchParams.set('code_challenge', await oauth.calculatePKCECodeChallenge(flow.verifier));
  url.searchParams.set('code_challenge_method', 'S256');
  if (flow.nonce) url.searchParams.set('nonce', flow.nonce);
  const cookie = await new SignJWT({ ...flow })
    .setProtectedHeader({ alg: 'HS256' })
    .setAudience(FLOW_AUDIENCE)
    .setExpirationTime(`${FLOW_TTL_S}s`)
    .sign(key(secret));
  return { url, cookie };
}

/** The flow this browser started, or a refusal: no cookie, a forged or expired one, or another provider's. */
export async function readFlow(secret: string, cookie: string | undefined, provider: OAuthProvider): Promise<Flow> {
  const lost = refused(
    'oauth_state_mismatch',
    'This sign-in was not started in this browser, or took too long; start again.',
  );
  if (!cookie) throw lost;
  try {
    const { payload } = await jwtVerify(cookie, key(secret), { algorithms: ['HS256'], audience: FLOW_AUDIENCE });
    const flow = payload as unknown as Flow;
    if (flow.provider !== provider || typeof flow.state !== 'string' || typeof flow.verifier !== 'string') throw lost;
    return flow;
  } catch {
    throw lost;
  }
}

/** Checks the callback against the flow (state, issuer), exchanges the code with the verifier, and reads the profile. */
export async function finishFlow(
  p: ProviderConfig,
  flow: Flow,
  callbackUrl: URL,
  redirectUri: string,
): Promise<ProviderProfile> {
  const as = await authorizationServer(p);
  const opts = { [oauth.allowInsecureRequests]: p.insecure };
  let params: URLSearchParams;
  try {
    params = oauth.validateAuthResponse(as, p.client, callbackUrl, flow.state);
  } catch (err) {
    if (err instanceof oauth.AuthorizationResponseError) {
      throw refused('oauth_denied', `${p.id} did not authorize the sign-in: ${err.error}.`, { error: err.error });
    }
    throw refused('oauth_state_mismatch', 'The callback does not belong to the sign-in this browser started.');
  }
  let tokens: oauth.TokenEndpointResponse;
  try {
    const res = await oauth.authorizationCodeGrantRequest(
      as,
      p.client,
      p.clientAuth,
      params,
      redirectUri,
      flow.verifier,
      opts,
    );
    tokens = await oauth.processAuthorizationCodeResponse(
      as,
      p.client,
      res,
      flow.nonce ? { expectedNonce: flow.nonce, requireIdToken: true } : undefined,
    );
  } catch (err) {
    // invalid_grant is what a provider answers to a code whose PKCE challenge the verifier does not match.
    const error = err instanceof oauth.ResponseBodyError ? err.error : undefined;
    throw refused('oauth_code_refused', `${p.id} refused to exchange the code${error ? ` (${error})` : ''}.`, {
      error,
    });
  }
  return flow.nonce ? oidcProfile(p, as, tokens, opts) : githubProfile(p, tokens, opts);
}

async function oidcProfile(
  p: ProviderConfig,
  as: oauth.AuthorizationServer,
  tokens: oauth.TokenEndpointResponse,
  opts: Insecure,
): Promise<ProviderProfile> {
  const claims = oauth.getValidatedIdTokenClaims(tokens)!;
  const res = await oauth.userInfoRequest(as, p.client, tokens.access_token, opts);
  const info = await oauth.processUserInfoResponse(as, p.client, claims.sub, res);
  return {
    provider: p.id,
    subject: claims.sub,
    email: typeof info.email === 'string' ? info.email.toLowerCase() : null,
    emailVerified: info.email_verified === true,
    name: typeof info.name === 'string' ? info.name : null,
  };
}

interface GithubEmail {
  email: string;
  primary: boolean;
  verified: boolean;
}

/** GitHub users have no ID token: `/user` gives the stable id, `/user/emails` says which address is verified. */
async function githubProfile(
  p: ProviderConfig,
  tokens: oauth.TokenEndpointResponse,
  opts: Insecure,
): Promise<ProviderProfile> {
  const get = async <T>(path: string): Promise<T> => {
    const headers = new Headers({ accept: 'application/vnd.github+json', 'user-agent': 'Edgelive' });
    const url = new URL(`${p.apiUrl!.href.replace(/\/$/, '')}${path}`);
    const res = await oauth.protectedResourceRequest(tokens.access_token, 'GET', url, headers, null, opts);
    if (!res.ok) throw refused('oauth_profile_unavailable', `GitHub answered ${res.status} for ${path}.`);
    return (await res.json()) as T;
  };
  const user = await get<{ id: number; login: string; name: string | null }>('/user');
  const emails = await get<GithubEmail[]>('/user/emails');
  const primary = emails.find((e) => e.primary) ?? emails.find((e) => e.verified) ?? null;
  return {
    provider: 'github',
    subject: String(user.id),
    email: primary?.email.toLowerCase() ?? null,
    emailVerified: primary?.verified === true,
    name: user.name ?? user.login,
  };
}
