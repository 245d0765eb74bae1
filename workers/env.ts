import type { Db } from '../core/db/client';
import type { Env } from '../core/env';

/** What a Hono handler of the Worker sees: the bindings, and what the middleware put on the context. */

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
