import { useQuery } from '@tanstack/react-query';
import { API_ORIGIN, api, type Schemas, unwrap } from '../../api/client';
import { ApiRequestError } from '../../api/errors';

export type Overview = Schemas['AnalyticsOverview'];
export type Timeseries = Schemas['AnalyticsTimeseries'];
export type Breakdown = Schemas['AnalyticsBreakdown'];
export type ChatActivity = Schemas['ChatActivity'];
export type Granularity = Timeseries['granularity'];
export type Dimension = Breakdown['group_by'];

/** What every read of one page shares: the app, the stream (or the whole app) and the window. */
export interface AnalyticsScope {
  appId: string;
  streamId?: string;
  /** One asset's views (a recording, upload or clip), instead of a stream's. */
  assetId?: string;
  from: string;
  to: string;
  granularity: Granularity;
}

const query = (s: AnalyticsScope) => ({
  from: s.from,
  to: s.to,
  ...(s.streamId ? { stream_id: s.streamId } : {}),
  ...(s.assetId ? { asset_id: s.assetId } : {}),
});
const path = (s: AnalyticsScope) => ({ app_id: s.appId });
const key = (s: AnalyticsScope, what: string, extra = '') =>
  ['apps', s.appId, 'analytics', what, s.streamId ?? s.assetId ?? '', s.from, s.to, s.granularity, extra] as const;
/** While the window ends now, the page follows the live figures. */
const POLL_MS = 15_000;

export function useOverview(s: AnalyticsScope) {
  return useQuery({
    queryKey: key(s, 'overview'),
    queryFn: () =>
      unwrap(api.GET('/v1/apps/{app_id}/analytics/overview', { params: { path: path(s), query: query(s) } })),
    refetchInterval: POLL_MS,
  });
}

export function useTimeseries(s: AnalyticsScope) {
  return useQuery({
    queryKey: key(s, 'timeseries'),
    queryFn: () =>
      unwrap(
        api.GET('/v1/apps/{app_id}/analytics/timeseries', {
          params: { path: path(s), query: { ...query(s), granularity: s.granularity } },
        }),
      ) as Promise<Timeseries>,
    refetchInterval: POLL_MS,
  });
}

/** An asset has no room of its own: its page asks for no chat activity (`enabled` false). */
export function useChatActivity(s: AnalyticsScope) {
  return useQuery({
    queryKey: key(s, 'chat'),
    queryFn: () =>
      unwrap(
        api.GET('/v1/apps/{app_id}/analytics/chat', {
          params: {
            path: path(s),
            query: { from: s.from, to: s.to, stream_id: s.streamId, granularity: s.granularity },
          },
        }),
      ) as Promise<ChatActivity>,
    refetchInterval: POLL_MS,
    enabled: !s.assetId,
  });
}

export function useBreakdown(s: AnalyticsScope, by: Dimension) {
  return useQuery({
    queryKey: key(s, 'breakdown', by),
    queryFn: () =>
      unwrap(
        api.GET('/v1/apps/{app_id}/analytics/breakdown', {
          params: { path: path(s), query: { ...query(s), group_by: by } },
        }),
      ) as Promise<Breakdown>,
    refetchInterval: POLL_MS,
  });
}

/** The CSV export of a read, as the API renders it (`?format=csv`), for a download. */
export async function fetchCsv(
  s: AnalyticsScope,
  what: 'timeseries' | 'breakdown' | 'chat',
  extra: Record<string, string> = {},
) {
  const q = new URLSearchParams({ ...query(s), ...extra, format: 'csv' });
  if (what !== 'breakdown') q.set('granularity', s.granularity);
  const res = await fetch(`${API_ORIGIN}/v1/apps/${encodeURIComponent(s.appId)}/analytics/${what}?${q}`, {
    credentials: 'include',
  });
  if (!res.ok) throw ApiRequestError.from(res.status, await res.json().catch(() => undefined));
  return res.text();
}
