import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type Configuration, type KoaContextWithOIDC } from 'oidc-provider';

/**
 * A real OpenID Provider on 127.0.0.1 (`oidc-provider`, a certified implementation) standing in
 * for Google, and a second instance with GitHub's paths standing in for GitHub's OAuth 2 side.
 * Its sign-in page is oidc-provider's own development login (any login name; the password is not
 * checked); the login name picks the account, whose email and `email_verified` a test can set.
 *
 * GitHub's REST API (`/user`, `/user/emails`) has no open-source twin, so a few lines below answer
 * those two calls for the token's account, checking the token against the provider's own store.
 */
export interface LocalAccount {
  email: string;
  email_verified: boolean;
  name: string;
}

export interface OpenIdProvider {
  /** The "Google" issuer (discovery at `/.well-known/openid-configuration`). */
  issuer: string;
  /** The "GitHub" web base: `/login/oauth/authorize`, `/login/oauth/access_token`. */
  githubUrl: string;
  /** The "GitHub" REST API base. */
  githubApiUrl: string;
  clientId: string;
  clientSecret: string;
  /** What the login name `login` signs in as (by default: itself as a verified email). */
  setAccount(login: string, account: Partial<LocalAccount>): void;
  stop(): Promise<void>;
}

export interface OpenIdProviderOptions {
  port: number;
  githubPort: number;
  /** Every callback URL the Worker may use (exact match, as real providers require). */
  redirectUris: string[];
  clientId?: string;
  clientSecret?: string;
}

function accountFor(accounts: Map<string, Partial<LocalAccount>>, login: string): LocalAccount {
  const set = accounts.get(login) ?? {};
  return {
    email: set.email ?? login,
    email_verified: set.email_verified ?? true,
    name: set.name ?? login.split('@')[0]!,
  };
}

function configuration(
  accounts: Map<string, Partial<LocalAccount>>,
  client: { client_id: string; client_secret: string; redirect_uris: string[] },
  extra: Partial<Configuration>,
): Configuration {
  return {
    clients: [
      {
        ...client,
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    findAccount: (_ctx, id) => ({
      accountId: id,
      claims: () => ({ sub: id, ...accountFor(accounts, id) }),
    }),
    pkce: { required: () => true },
    cookies: { keys: ['local-openid-provider-cookie-key'] },
    // A returning user is not asked to consent again: grant what the client asked for.
    loadExistingGrant: async (ctx: KoaContextWithOIDC) => {
      const grantId = ctx.oidc.result?.consent?.grantId ?? ctx.oidc.session!.grantIdFor(ctx.oidc.client!.clientId);
      if (grantId) return ctx.oidc.provider.Grant.find(grantId);
      const grant = new ctx.oidc.provider.Grant({
        clientId: ctx.oidc.client!.clientId,
        accountId: ctx.oidc.session!.accountId!,
      });
      grant.addOIDCScope(String(ctx.oidc.params!.scope ?? 'openid'));
      await grant.save();
      return grant;
    },
    ...extra,
  };
}

const listen = (server: Server, port: number) =>
  new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });

export async function startOpenIdProvider(opts: OpenIdProviderOptions): Promise<OpenIdProvider> {
  const accounts = new Map<string, Partial<LocalAccount>>();
  const client = {
    client_id: opts.clientId ?? 'edgelive-local',
    client_secret: opts.clientSecret ?? 'edgelive-local-secret',
  };
  const issuer = `http://127.0.0.1:${opts.port}`;
  const google = new Provider(
    issuer,
    configuration(accounts, { ...client, redirect_uris: opts.redirectUris.filter((u) => u.includes('/google/')) }, {}),
  );
  const githubUrl = `http://127.0.0.1:${opts.githubPort}`;
  // GitHub's scopes are plain OAuth 2 scopes (no `openid`), on GitHub's paths.
  const github = new Provider(
    githubUrl,
    configuration(
      accounts,
      { ...client, redirect_uris: opts.redirectUris.filter((u) => u.includes('/github/')) },
      {
        scopes: ['read:user', 'user:email'],
        routes: { authorization: '/login/oauth/authorize', token: '/login/oauth/access_token' },
      },
    ),
  );
  const googleServer = createServer(google.callback());
  const githubCallback = github.callback();
  const githubServer = createServer((req, res) => {
    void (async () => {
      const path = new URL(req.url ?? '/', githubUrl).pathname;
      if (!path.startsWith('/api/')) return githubCallback(req, res);
      // The REST API: the bearer token must be one this provider issued and has not expired.
      const token = (req.headers.authorization ?? '').replace(/^Bearer\s+/i, '');
      const found = token ? await github.AccessToken.find(token) : undefined;
      if (!found?.accountId) {
        res.writeHead(401, { 'content-type': 'application/json' }).end('{"message":"Bad credentials"}');
        return;
      }
      const a = accountFor(accounts, found.accountId);
      const body =
        path === '/api/user'
          ? { id: Math.abs(hash(found.accountId)), login: found.accountId.split('@')[0], name: a.name }
          : path === '/api/user/emails'
            ? [{ email: a.email, primary: true, verified: a.email_verified, visibility: 'private' }]
            : null;
      res.writeHead(body ? 200 : 404, { 'content-type': 'application/json' }).end(JSON.stringify(body ?? {}));
    })();
  });
  await listen(googleServer, opts.port);
  await listen(githubServer, opts.githubPort);
  return {
    issuer,
    githubUrl,
    githubApiUrl: `${githubUrl}/api`,
    clientId: client.client_id,
    clientSecret: client.client_secret,
    setAccount: (login, account) => accounts.set(login, account),
    stop: async () => {
      for (const s of [googleServer, githubServer]) {
        s.closeAllConnections();
        await new Promise<void>((resolve) => s.close(() => resolve()));
      }
    },
  };
}

/** GitHub user ids are numbers; a stable one per login. */
function hash(s: string): number {
  let h = 0;
  for (const ch of s) h = (Math.imul(h, 31) + ch.charCodeAt(0)) | 0;
  return h;
}
