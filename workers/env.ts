import type { Db } from '../core/db/client';
import type { Env } from '../core/env';

/** What a Hono handler of the Worker sees: the bindings, and what the middleware put on the context. */

export type Role = 'owner' | 'admin' | 'developer' | 'viewer';

export type Actor =
  /** `viewAsBy`: the operator behind a read-only "view as" session of this user. */
  | { type: 'user'; id: string; sessionId: string; viewAsBy?: string }
  /** `scopes` (workers/lib/api-scopes.ts) and `rateLimit` (per minute; null = the default) come from the key's row. */
  | { type: 'api_key'; id: string; appId: string; scopes: string[]; rateLimit: number | null };

/** What an org route may touch: one org, no app. */
export interface OrgScope {
  orgId: string;
  appId: null;
  role: Role;
}

/** What an app resource may touch: one app of one org. Set by `apiKeyScope` / `sessionAppScope`. */
export interface AppScope {
  orgId: string;
  appId: string;
  role: Role;
}

/** What a request may touch: one org, and one app within it when the route is app-scoped. */
export type Scope = OrgScope | AppScope;

export interface AuditNote {
  action: string;
  resourceType: string;
  resourceId?: string | null;
  details?: Record<string, unknown>;
}

/** A platform operator (workers/services/operators.service.ts), set on /v1/admin routes. */
export interface OperatorActor {
  id: string;
  email: string;
  sessionId: string;
}

interface Variables {
  db: Db;
  operator: OperatorActor;
  actor: Actor | null;
  scope: Scope;
  audit: AuditNote;
}

export interface AppEnv {
  Bindings: Env;
  Variables: Variables;
}

/** What the routers of app resources see: the scope middleware ran, so the caller and the app are known. */
export interface AppScopedEnv {
  Bindings: Env;
  Variables: Omit<Variables, 'scope' | 'actor'> & { scope: AppScope; actor: Actor };
}
