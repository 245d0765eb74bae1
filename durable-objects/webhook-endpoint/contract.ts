/**
 * What the Worker may know of a webhook endpoint's Durable Object (WebhookEndpointObject, one per
 * endpoint, addressed with `webhookStub` from core/stubs.ts): its RPC inputs and outputs, and the
 * refusals it answers with (core/rpc.ts), mapped to the API's errors by `orThrow`.
 */
import type { EventEnvelope } from '@edgelive/shared';
import type { RefusalTable, RpcResult } from '../../core/rpc';

/** `sending` is internal: to the customer an attempt in flight is still pending. */
export type PublicDeliveryStatus = 'pending' | 'succeeded' | 'failed';

export interface RenderedDelivery {
  id: string;
  endpoint_id: string;
  event_id: string;
  event_type: string;
  status: PublicDeliveryStatus;
  attempt_count: number;
  last_status_code: number | null;
  last_error: string | null;
  next_attempt_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface RenderedAttempt {
  delivery_id: string;
  event_id: string;
  attempt: number;
  started_at: string;
  duration_ms: number;
  status_code: number | null;
  error: string | null;
  response_body: string | null;
  next_retry_at: string | null;
}

export interface DeliveryDetail extends RenderedDelivery {
  payload: EventEnvelope;
  attempts: RenderedAttempt[];
}

/** `listDeliveries` input: newest first, paged by the object's own sequence numbers. */
export interface DeliveryFilter {
  status?: PublicDeliveryStatus;
  eventId?: string;
  beforeSeq?: number;
  limit: number;
}
export interface DeliveryPage {
  data: RenderedDelivery[];
  next_seq: number | null;
}

export interface AttemptFilter {
  beforeId?: number;
  limit: number;
}
export interface AttemptPage {
  data: RenderedAttempt[];
  next_id: number | null;
}

export interface EndpointBacklog {
  pending: number;
  failed: number;
  oldest_pending_at: string | null;
}

export type WebhookRefusal = 'not_found' | 'delivery_pending';

export const WEBHOOK_REFUSALS: RefusalTable<WebhookRefusal> = {
  not_found: { status: 404, message: 'No such delivery.' },
  delivery_pending: { status: 409, message: 'This delivery is still pending; it will be attempted on schedule.' },
};

export type GetDeliveryResult = RpcResult<{ delivery: DeliveryDetail }, 'not_found'>;
export type RedeliverResult = RpcResult<{ delivery_id: string }, WebhookRefusal>;

/** The object's RPC methods, as the Worker calls them (the class implements this). */
export interface WebhookEndpointRpc {
  /** Queues one event; `orderKey` (the object id) keeps that object's events in order; idempotent per event id. */
  enqueue(endpointId: string, event: EventEnvelope, orderKey: string | null): Promise<RenderedDelivery>;
  /** After the endpoint is enabled again: deliver what waited. */
  resume(endpointId: string): Promise<void>;
  /** The endpoint was deleted: forget its queue and log. */
  destroy(): Promise<void>;
  listDeliveries(endpointId: string, f: DeliveryFilter): DeliveryPage;
  getDelivery(endpointId: string, deliveryId: string): GetDeliveryResult;
  listAttempts(f: AttemptFilter): AttemptPage;
  /** Sends one delivery again (same event id, fresh retry schedule). */
  redeliver(deliveryId: string): Promise<RedeliverResult>;
  /** What waits in this endpoint's queue, for the operator's webhook backlog view. */
  backlog(): EndpointBacklog;
  /** Sends again every failed delivery created in [since, until]; how many. */
  redeliverFailed(since: number, until: number): Promise<number>;
}
