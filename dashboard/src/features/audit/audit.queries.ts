import { useInfiniteQuery } from '@tanstack/react-query';
import { api, type Schemas, unwrap } from '../../api/client';
import { ApiRequestError } from '../../api/errors';

export type AuditEntry = Schemas['AuditEntry'];

export interface AuditFilters {
  action?: string;
  resource_type?: string;
  resource_id?: string;
  actor_id?: string;
  since?: string;
  until?: string;
}

export type AuditScope = { kind: 'org'; orgId: string } | { kind: 'app'; appId: string };

/** Drops empty filters so the query string (and the cache key) holds only what was asked. */
export function cleanFilters(f: AuditFilters): AuditFilters {
  return Object.fromEntries(
    Object.entries(f).filter(([, v]) => typeof v === 'string' && v.trim() !== ''),
  ) as AuditFilters;
}

function fetchPage(scope: AuditScope, query: AuditFilters & { cursor?: string; limit?: number; format?: 'json' }) {
  return scope.kind === 'org'
    ? unwrap(api.GET('/v1/orgs/{org_id}/audit-log', { params: { path: { org_id: scope.orgId }, query } }))
    : unwrap(api.GET('/v1/apps/{app_id}/audit-log', { params: { path: { app_id: scope.appId }, query } }));
}

export function useAuditLog(scope: AuditScope, filters: AuditFilters) {
  const f = cleanFilters(filters);
  return useInfiniteQuery({
    queryKey: ['audit', scope, f],
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam }) => {
      const page = await fetchPage(scope, { ...f, limit: 50, ...(pageParam ? { cursor: pageParam } : {}) });
      // The route documents JSON or CSV under one 200; with format=json it is always the page.
      return page as { data: AuditEntry[]; next_cursor: string | null };
    },
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
}

/** The same filters as CSV (the Worker renders it, up to its row cap). */
export async function fetchAuditCsv(scope: AuditScope, filters: AuditFilters): Promise<string> {
  const query = { ...cleanFilters(filters), format: 'csv' as const };
  const { data, error, response } =
    scope.kind === 'org'
      ? await api.GET('/v1/orgs/{org_id}/audit-log', {
          params: { path: { org_id: scope.orgId }, query },
          parseAs: 'text',
        })
      : await api.GET('/v1/apps/{app_id}/audit-log', {
          params: { path: { app_id: scope.appId }, query },
          parseAs: 'text',
        });
  if (error !== undefined || !response.ok || typeof data !== 'string')
    throw ApiRequestError.from(response.status, error);
  return data;
}
