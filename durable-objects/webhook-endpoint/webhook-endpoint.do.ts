import { DurableObject } from 'cloudflare:workers';
import type { EventEnvelope } from '@edgelive/shared';
import { Scheduler } from '../../core/do/scheduler';
import { wipeObject } from '../../core/do/wipe';
import type { Env } from '../../core/env';
import { newId } from '../../core/ids';
import { ok, refuse } from '../../core/rpc';
import { iso } from '../../core/time';
import {
  activeSecrets,
  disableEndpoint,
  loadEndpoint,
  setFailingSince,
  type WebhookEndpointRow,
} from '../../core/webhook-endpoints';
import { webhookUrlProblem } from '../../core/webhook-url';
import type {
  AttemptFilter,
  AttemptPage,
  DeliveryFilter,
  DeliveryPage,
  EndpointBacklog,
  GetDeliveryResult,
  RedeliverResult,
  WebhookEndpointRpc,
} from './contract';
import { CONCURRENCY, deliverySettings, disableAfterMs, nextRetryDelay } from './delivery-policy';
import { type DeliveryRow, DeliveryStore } from './delivery-store';
import { renderAttempt, renderDelivery } from './render';
import { signatureHeader } from './signature';

/** One round of deliveries runs at most this long before the endpoint's settings are read again. */
const ROUND_MS = 15_000;
const RESPONSE_BODY_LOG_CHARS = 1024;
/** The object's one timer: the next delivery round. */
const ROUND_TIMER = 'deliver';

interface Round {
  endpoint: WebhookEndpointRow;
  deadline: number;
  stopped: boolean;
}

/**
 * One webhook endpoint's delivery engine. Events are queued in SQLite; the alarm drains the queue
 * with up to CONCURRENCY attempts in flight, one at a time per object so an object's events arrive
 * in order, and schedules itself for the next retry. Everything survives eviction: a delivery cut
 * off mid-attempt is simply owed again (at least once; receivers deduplicate on `webhook-id`).
 */
export class WebhookEndpointObject extends DurableObject<Env> implements WebhookEndpointRpc {
  private readonly store: DeliveryStore;
  private readonly scheduler: Scheduler;
  private readonly runners = new Set<Promise<void>>();
  private round: Round | null = null;
  /** Outbound HTTP; a field so a workerd test can watch requests without a network. */
  transport: (req: Request) => Promise<Response> = (req) => fetch(req);

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = new DeliveryStore(ctx.storage.sql);
    this.scheduler = new Scheduler(ctx.storage.sql, ctx.storage);
    void ctx.blockConcurrencyWhile(async () => this.store.migrate());
  }

  /** Its app was deleted: nothing of it stays here (core/do/wipe.ts). */
  async wipe(): Promise<void> {
    await wipeObject(this.ctx);
  }

  /** Queues one event; `orderKey` (the object id) keeps that object's events in order. */
  async enqueue(endpointId: string, event: EventEnvelope, orderKey: string | null) {
    this.store.setMeta('endpoint_id', endpointId);
    const row = this.store.insert(
      { id: newId('delivery'), eventId: event.id, eventType: event.type, orderKey, payload: JSON.stringify(event) },
      Date.now(),
    );
    if (this.round) this.spawnRunners();
    await this.wakeAt(Date.now());
    return renderDelivery(endpointId, row);
  }

  /** After the endpoint is enabled again: deliver what waited. */
  async resume(endpointId: string) {
    this.store.setMeta('endpoint_id', endpointId);
    await this.wakeAt(Date.now());
  }

  /** The endpoint was deleted: forget its queue and log. */
  async destroy() {
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
  }

  listDeliveries(endpointId: string, f: DeliveryFilter): DeliveryPage {
    const rows = this.store.list({ ...f, limit: f.limit + 1 });
    const kept = rows.slice(0, f.limit);
    return {
      data: kept.map((r) => renderDelivery(endpointId, r)),
      next_seq: rows.length > f.limit ? (kept[kept.length - 1]?.seq ?? null) : null,
    };
  }

  getDelivery(endpointId: string, deliveryId: string): GetDeliveryResult {
    const d = this.store.get(deliveryId);
    if (!d) return refuse('not_found');
    return ok({
      delivery: {
        ...renderDelivery(endpointId, d),
        payload: JSON.parse(d.payload) as EventEnvelope,
        attempts: this.store.attemptsOf(d.id).map(renderAttempt),
      },
    });
  }

  listAttempts(f: AttemptFilter): AttemptPage {
    const rows = this.store.recentAttempts({ ...f, limit: f.limit + 1 });
    const kept = rows.slice(0, f.limit);
    return {
      data: kept.map(renderAttempt),
      next_id: rows.length > f.limit ? (kept[kept.length - 1]?.id ?? null) : null,
    };
  }

  /** Sends one delivery again (same event id, fresh retry schedule); refused while it is still pending. */
  async redeliver(deliveryId: string): Promise<RedeliverResult> {
    if (!this.store.get(deliveryId)) return refuse('not_found');
    if (!this.store.requeue(deliveryId, Date.now())) return refuse('delivery_pending');
    await this.wakeAt(Date.now());
    return ok({ delivery_id: deliveryId });
  }

  backlog(): EndpointBacklog {
    const b = this.store.backlog();
    return { pending: b.pending, failed: b.failed, oldest_pending_at: iso(b.oldestPendingAt) };
  }

  async redeliverFailed(since: number, until: number) {
    const n = this.store.requeueFailed(since, until, Date.now());
    if (n > 0) await this.wakeAt(Date.now());
    return n;
  }

  override async alarm() {
    // One timer only: whatever fired, the round below does all that is due (a retried alarm too).
    this.scheduler.takeDue();
    const endpointId = this.store.getMeta('endpoint_id');
    const endpoint = endpointId ? await loadEndpoint(this.env, endpointId) : null;
    if (!endpoint) {
      // Deleted behind our back (or never configured): nothing here can be delivered.
      if (endpointId) await this.destroy();
      return;
    }
    // Disabled: deliveries wait; enabling the endpoint calls resume().
    if (!endpoint.enabled) return;
    const round: Round = { endpoint, deadline: Date.now() + ROUND_MS, stopped: false };
    this.round = round;
    try {
      this.spawnRunners();
      while (this.runners.size) await Promise.all([...this.runners]);
    } finally {
      this.round = null;
    }
    this.store.prune(Date.now());
    if (!round.stopped) {
      const next = this.store.nextDueAt();
      if (next !== null) this.scheduler.schedule(ROUND_TIMER, next);
    }
    await this.scheduler.rearm();
  }

  /** The next round runs at `t` at the latest (an earlier one already planned stays). */
  private async wakeAt(t: number) {
    this.scheduler.schedule(ROUND_TIMER, t);
  }

  private spawnRunners() {
    while (this.round && this.runners.size < CONCURRENCY) {
      const p: Promise<void> = this.runner().finally(() => this.runners.delete(p));
      this.runners.add(p);
    }
  }

  private async runner() {
    for (;;) {
      const round = this.round;
      if (!round || round.stopped || Date.now() >= round.deadline) return;
      const row = this.store.claimNext(Date.now());
      if (!row) return;
      await this.attempt(row, round);
    }
  }

  private async attempt(row: DeliveryRow, round: Round) {
    const { endpoint } = round;
    const settings = deliverySettings(this.env);
    const started = Date.now();
    let statusCode: number | null = null;
    let error: string | null = null;
    let responseBody: string | null = null;
    // Checked at send time too: the endpoint may predate a switch to production.
    const refused = webhookUrlProblem(endpoint.url, this.env);
    if (refused) {
      error = refused;
    } else {
      try {
        const timestamp = Math.floor(started / 1000);
        const res = await this.transport(
          new Request(endpoint.url, {
            method: 'POST',
            redirect: 'manual', // a redirect is a failure: following it would sign a request to another place
            signal: AbortSignal.timeout(settings.timeoutMs),
            headers: {
              'content-type': 'application/json',
              'user-agent': 'Edgelive-Webhooks/1.0',
              'webhook-id': row.event_id,
              'webhook-timestamp': String(timestamp),
              'webhook-signature': await signatureHeader(
                await activeSecrets(this.env, endpoint, started),
                row.event_id,
                timestamp,
                row.payload,
              ),
            },
            body: row.payload,
          }),
        );
        statusCode = res.status;
        responseBody = (await res.text()).slice(0, RESPONSE_BODY_LOG_CHARS);
      } catch (err) {
        const e = err instanceof Error ? err : new Error(String(err));
        error =
          e.name === 'TimeoutError' || e.name === 'AbortError'
            ? `No answer within ${settings.timeoutMs} ms.`
            : e.message || e.name;
      }
    }
    const finished = Date.now();
    const ok = statusCode !== null && statusCode >= 200 && statusCode < 300;
    if (ok) {
      this.store.recordAttempt(
        row,
        {
          started_at: started,
          duration_ms: finished - started,
          status_code: statusCode,
          error,
          response_body: responseBody,
          next_retry_at: null,
        },
        'succeeded',
      );
      if (endpoint.failingSince !== null) {
        endpoint.failingSince = null;
        await setFailingSince(this.env, endpoint.id, null);
      }
      return;
    }
    if (statusCode !== null && !error) error = `HTTP ${statusCode}`;
    const delay = nextRetryDelay(row.attempts + 1, settings);
    const nextRetryAt = delay === null ? null : finished + delay;
    this.store.recordAttempt(
      row,
      {
        started_at: started,
        duration_ms: finished - started,
        status_code: statusCode,
        error,
        response_body: responseBody,
        next_retry_at: nextRetryAt,
      },
      delay === null ? 'failed' : 'pending',
    );
    await this.noteFailure(round, started, statusCode, settings.scale);
  }

  private async noteFailure(round: Round, at: number, statusCode: number | null, scale: number) {
    const { endpoint } = round;
    // Read once, before awaiting: a concurrent success may reset it to null meanwhile.
    const since = endpoint.failingSince ?? at;
    if (endpoint.failingSince === null) {
      endpoint.failingSince = at;
      await setFailingSince(this.env, endpoint.id, at);
    }
    // 410 Gone is the receiver telling us to stop (Standard Webhooks); days of failure mean it is dead.
    const failingForDays = at - since >= disableAfterMs({ scale, timeoutMs: 0 });
    const reason = statusCode === 410 ? 'gone' : failingForDays ? 'failing' : null;
    if (reason && !round.stopped) {
      round.stopped = true;
      await disableEndpoint(this.env, endpoint, reason);
    }
  }
}
