import type { RenderedAttempt, RenderedDelivery } from './contract';
import type { AttemptRow, DeliveryRow } from './delivery-store';

const iso = (ms: number | null) => (ms == null ? null : new Date(ms).toISOString());

/** `sending` is an internal state: to the customer an attempt in flight is still pending. */
export const renderDelivery = (endpointId: string, d: DeliveryRow): RenderedDelivery => ({
  id: d.id,
  endpoint_id: endpointId,
  event_id: d.event_id,
  event_type: d.event_type,
  status: d.status === 'sending' ? ('pending' as const) : d.status,
  attempt_count: d.attempts,
  last_status_code: d.last_status_code,
  last_error: d.last_error,
  next_attempt_at: d.status === 'pending' ? iso(d.next_attempt_at) : null,
  created_at: iso(d.created_at)!,
  updated_at: iso(d.updated_at)!,
});

export const renderAttempt = (a: AttemptRow): RenderedAttempt => ({
  delivery_id: a.delivery_id,
  event_id: a.event_id,
  attempt: a.attempt,
  started_at: iso(a.started_at)!,
  duration_ms: a.duration_ms,
  status_code: a.status_code,
  error: a.error,
  response_body: a.response_body,
  next_retry_at: iso(a.next_retry_at),
});
