import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, expectOk, type Schemas, unwrap } from '../../api/client';

export type WebhookEndpoint = Schemas['WebhookEndpoint'];
export type WebhookEndpointWithSecret = Schemas['WebhookEndpointWithSecret'];
export type WebhookDelivery = Schemas['WebhookDelivery'];
export type DeliveryStatus = WebhookDelivery['status'];

const listKey = (appId: string) => ['apps', appId, 'webhook-endpoints'] as const;
const deliveriesKey = (appId: string, id: string) => ['apps', appId, 'webhook-endpoints', id, 'deliveries'] as const;
const ep = (appId: string, id: string) => ({ params: { path: { app_id: appId, endpoint_id: id } } });

export function useEndpoints(appId: string) {
  return useQuery({
    queryKey: listKey(appId),
    queryFn: () =>
      unwrap(
        api.GET('/v1/apps/{app_id}/webhook-endpoints', { params: { path: { app_id: appId }, query: { limit: 100 } } }),
      ),
  });
}

export function useCreateEndpoint(appId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { url: string; description?: string; event_types: string[] }) =>
      unwrap(api.POST('/v1/apps/{app_id}/webhook-endpoints', { params: { path: { app_id: appId } }, body })),
    onSuccess: () => qc.invalidateQueries({ queryKey: listKey(appId) }),
  });
}

export function useUpdateEndpoint(appId: string, id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { enabled?: boolean; event_types?: string[] }) =>
      unwrap(api.PATCH('/v1/apps/{app_id}/webhook-endpoints/{endpoint_id}', { ...ep(appId, id), body })),
    onSuccess: () => qc.invalidateQueries({ queryKey: listKey(appId) }),
  });
}

export function useDeleteEndpoint(appId: string, id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => expectOk(api.DELETE('/v1/apps/{app_id}/webhook-endpoints/{endpoint_id}', ep(appId, id))),
    onSuccess: () => qc.invalidateQueries({ queryKey: listKey(appId) }),
  });
}

export function useRotateSecret(appId: string, id: string) {
  return useMutation({
    mutationFn: () =>
      unwrap(api.POST('/v1/apps/{app_id}/webhook-endpoints/{endpoint_id}/rotate-secret', ep(appId, id))),
  });
}

export function useSendTest(appId: string, id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(api.POST('/v1/apps/{app_id}/webhook-endpoints/{endpoint_id}/test', ep(appId, id))),
    // The delivery is queued; the log picks it up on its next refresh.
    onSuccess: () => setTimeout(() => void qc.invalidateQueries({ queryKey: deliveriesKey(appId, id) }), 1000),
  });
}

export function useDeliveries(appId: string, id: string, status: DeliveryStatus | '') {
  return useQuery({
    queryKey: [...deliveriesKey(appId, id), status],
    queryFn: () =>
      unwrap(
        api.GET('/v1/apps/{app_id}/webhook-endpoints/{endpoint_id}/deliveries', {
          params: { path: { app_id: appId, endpoint_id: id }, query: { limit: 50, ...(status ? { status } : {}) } },
        }),
      ),
    refetchInterval: 3_000,
  });
}

export function useRedeliver(appId: string, id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (deliveryId: string) =>
      unwrap(
        api.POST('/v1/apps/{app_id}/webhook-endpoints/{endpoint_id}/deliveries/{delivery_id}/redeliver', {
          params: { path: { app_id: appId, endpoint_id: id, delivery_id: deliveryId } },
        }),
      ),
    onSuccess: () => qc.invalidateQueries({ queryKey: deliveriesKey(appId, id) }),
  });
}

/** One delivery with its payload and every attempt; refreshed while it is still being retried. */
export function useDelivery(appId: string, id: string, deliveryId: string) {
  return useQuery({
    queryKey: [...deliveriesKey(appId, id), 'one', deliveryId],
    queryFn: () =>
      unwrap(
        api.GET('/v1/apps/{app_id}/webhook-endpoints/{endpoint_id}/deliveries/{delivery_id}', {
          params: { path: { app_id: appId, endpoint_id: id, delivery_id: deliveryId } },
        }),
      ),
    refetchInterval: (q) => (q.state.data?.status === 'pending' ? 2_000 : false),
  });
}

/** Every failed delivery created since a moment, sent again (after a receiver's outage is fixed). */
export function useRedeliverFailed(appId: string, id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (since: string) =>
      unwrap(
        api.POST('/v1/apps/{app_id}/webhook-endpoints/{endpoint_id}/redeliver', { ...ep(appId, id), body: { since } }),
      ),
    onSuccess: () => qc.invalidateQueries({ queryKey: deliveriesKey(appId, id) }),
  });
}
