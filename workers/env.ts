import type { Db } from './db/client';

/**
 * Bindings come from wrangler.jsonc through `npm run cf-typegen` (workers/worker-configuration.d.ts);
 * the optional ones below are set only in some deployments.
 */
export type Env = Cloudflare.Env & {
  /** Where the console is served, for links we hand out (invitations); defaults to the API's origin. */
  CONSOLE_URL?: string;
};

export type Role = 'owner' | 'admin' | 'developer' | 'viewer';

export type Actor = { type: 'user'; id: string; sessionId: string } | { type: 'api_key'; id: string; appId: string };

/** What a request may touch: one org, and one app within it when the route is app-scoped. */
export interface Scope {
  orgId: string;
  appId: string | null;
  role: Role;
}

export interface AuditNote {
  action: string;
  resourceType: string;
  resourceId?: string | null;
  details?: Record<string, unknown>;
}

export interface AppEnv {
  Bindings: Env;
  Variables: {
    db: Db;
    actor: Actor | null;
    scope: Scope;
    audit: AuditNote;
  };
}
