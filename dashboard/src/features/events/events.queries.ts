import { useQueries, useQuery } from '@tanstack/react-query';
import { api, type Schemas, unwrap } from '../../api/client';
import type { WebhookEndpoint } from '../webhooks/webhooks.queries';

export type AppEvent = Schemas['Event'];
export interface EventFilter {
  type: string;
  objectId: string;
}

/** The app's events, newest first, filtered by type and by the object they are about. */
export function useEvents(appId: string, f: EventFilter, cursor: string | undefined) {
  return useQuery({
    queryKey: ['apps', appId, 'events', f.type, f.objectId, cursor ?? ''],
    queryFn: () =>
      unwrap(
        api.GET('/v1/apps/{app_id}/events', {
          params: {
            path: { app_id: appId },
            query: {
              limit: 25,
              ...(f.type ? { type: f.type } : {}),
              ...(f.objectId.trim() ? { object_id: f.objectId.trim() } : {}),
              ...(cursor ? { cursor } : {}),
            },
          },
        }),
      ),
  });
}

/** One event's deliveries: each webhook endpoint's log, filtered to this event. */
export function useEventDeliveries(appId: string, eventId: string, endpoints: WebhookEndpoint[]) {
  return useQueries({
    queries: endpoints.map((e) => ({
      queryKey: ['apps', appId, 'webhook-endpoints', e.id, 'deliveries', 'event', eventId],
      queryFn: () =>
        unwrap(
          api.GET('/v1/apps/{app_id}/webhook-endpoints/{endpoint_id}/deliveries', {
            params: { path: { app_id: appId, endpoint_id: e.id }, query: { event_id: eventId, limit: 10 } },
          }),
        ).then((page) => ({ endpoint: e, deliveries: page.data })),
    })),
  });
}
