import * as oauth from 'oauth4webapi';
import type { Env } from '../../core/env';

/**
 * Sign-in providers. Every endpoint comes from the deployment's settings so that tests (and
 * `./edgelive start`) point them at a real OpenID Provider on 127.0.0.1; unset, they are the
 * providers' own. A provider without a client id is off (its routes answer 404).
 *
 * - google: OpenID Connect through discovery (`OAUTH_GOOGLE_ISSUER`, default accounts.google.com).
 * - github: OAuth 2 (GitHub has no OIDC for users): `OAUTH_GITHUB_URL` for authorize/token,
 *   `OAUTH_GITHUB_API_URL` for `/user` and `/user/emails`.
 */
export const OAUTH_PROVIDERS = ['google', 'github'] as const;
export type OAuthProvider = (typeof OAUTH_PROVIDERS)[number];

export interface ProviderConfig {
  id: OAuthProvider;
  client: oauth.Client;
  clientAuth: oauth.ClientAuth;
  scope: string;
  /** OIDC: discovered from this issuer. */
  issuer?: URL;
  /** OAuth 2 without discovery: the metadata written out. */
  metadata?: oauth.AuthorizationServer;
  /** GitHub's REST API base, for the profile and its verified emails. */
  apiUrl?: URL;
  /** http:// is accepted only for loopback hosts (a local provider in tests and development). */
  insecure: boolean;
}

const isLoopback = (u: URL) => ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname);

const clientOf = (id: string, secret: string) => ({
  client: { client_id: id } satisfies oauth.Client,
  clientAuth: oauth.ClientSecretPost(secret),
});

export function providerConfig(env: Env, provider: string): ProviderConfig | null {
  if (provider === 'google') {
    if (!env.OAUTH_GOOGLE_CLIENT_ID || !env.OAUTH_GOOGLE_CLIENT_SECRET) return null;
    const issuer = new URL(env.OAUTH_GOOGLE_ISSUER ?? 'https://accounts.google.com');
    return {
      id: 'google',
      ...clientOf(env.OAUTH_GOOGLE_CLIENT_ID, env.OAUTH_GOOGLE_CLIENT_SECRET),
      scope: 'openid email profile',
      issuer,
      insecure: issuer.protocol === 'http:' && isLoopback(issuer),
    };
  }
  if (provider === 'github') {
    if (!env.OAUTH_GITHUB_CLIENT_ID || !env.OAUTH_GITHUB_CLIENT_SECRET) return null;
    const base = (env.OAUTH_GITHUB_URL ?? 'https://github.com').replace(/\/$/, '');
    const apiUrl = new URL(env.OAUTH_GITHUB_API_URL ?? 'https://api.github.com');
    return {
      id: 'github',
      ...clientOf(env.OAUTH_GITHUB_CLIENT_ID, env.OAUTH_GITHUB_CLIENT_SECRET),
      scope: 'read:user user:email',
      metadata: {
        issuer: base,
        authorization_endpoint: `${base}/login/oauth/authorize`,
        token_endpoint: `${base}/login/oauth/access_token`,
      },
      apiUrl,
      insecure: [new URL(base), apiUrl].some((u) => u.protocol === 'http:' && isLoopback(u)),
    };
  }
  return null;
}

export const configuredProviders = (env: Env) => OAUTH_PROVIDERS.filter((p) => providerConfig(env, p) !== null);

/** Discovery documents, per isolate: a provider's metadata changes rarely, and a failed fetch is retried next time. */
const discovered = new Map<string, Promise<oauth.AuthorizationServer>>();

export function authorizationServer(p: ProviderConfig): Promise<oauth.AuthorizationServer> {
  if (p.metadata) return Promise.resolve(p.metadata);
  const issuer = p.issuer!;
  let found = discovered.get(issuer.href);
  if (!found) {
    found = oauth
      .discoveryRequest(issuer, { algorithm: 'oidc', [oauth.allowInsecureRequests]: p.insecure })
      .then((res) => oauth.processDiscoveryResponse(issuer, res));
    found.catch(() => discovered.delete(issuer.href));
    discovered.set(issuer.href, found);
  }
  return found;
}
