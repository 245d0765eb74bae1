import {
  HEALTH,
  type HealthReason,
  type HealthSample,
  type HealthVerdictState,
  initialHealth,
  judgeHealth,
  median,
} from '@edgelive/shared/stream-health';
import { and, desc, eq, gte, lt } from 'drizzle-orm';
import type { Db } from '../../core/db/client';
import { streamHealthSamples as h, streamHealthState as st } from '../../core/db/schema/index';
import type { Env } from '../../core/env';
import { deliverEvents, eventStatement, newEventRow } from '../../core/events';

/**
 * Stream health (issue 16): judges each sample an origin sends against the session's running
 * verdict, stores both, and records `stream.health.degraded` / `.recovered` in the same D1 batch
 * when the verdict changes (the outbox delivers them). Samples are kept RETENTION_MS.
 */
const RETENTION_MS = 30 * 86_400_000;
/** The session's usual bitrate is the median of at most this many of its latest clean samples. */
const BASELINE_WINDOW = 30;

type SampleRow = typeof h.$inferSelect;
type StateRow = typeof st.$inferSelect;

const reasonsOf = (s: string) => (s ? (s.split(',') as HealthReason[]) : []);

const stateOf = (r: StateRow | undefined): HealthVerdictState =>
  r
    ? {
        status: r.status,
        reasons: reasonsOf(r.reasons),
        lowStreak: r.lowStreak,
        cleanStreak: r.cleanStreak,
        restarts: r.restarts,
      }
    : initialHealth();

export async function recordHealth(
  db: Db,
  env: Env,
  stream: { id: string; appId: string },
  sessionId: string,
  sample: HealthSample,
): Promise<{ status: string; reasons: HealthReason[] }> {
  const at = Date.parse(sample.at);
  const existing = await db.query.streamHealthSamples.findFirst({
    where: and(eq(h.sessionId, sessionId), eq(h.at, at)),
  });
  // The origin retries a sample whose answer it lost: judged once.
  if (existing) return { status: existing.status, reasons: reasonsOf(existing.reasons) };
  const prevRow = await db.query.streamHealthState.findFirst({ where: eq(st.sessionId, sessionId) });
  const clean = await db
    .select({ kbps: h.inputBitrateKbps })
    .from(h)
    .where(and(eq(h.sessionId, sessionId), eq(h.clean, true)))
    .orderBy(desc(h.at))
    .limit(BASELINE_WINDOW)
    .all();
  const baseline = clean.length >= HEALTH.baselineSamples ? median(clean.map((c) => c.kbps)) : null;
  const prev = stateOf(prevRow);
  const next = judgeHealth(prev, sample, baseline);
  const isClean = next.problems.length === 0 && next.lowStreak === 0;
  const now = Date.now();
  const state = {
    sessionId,
    streamId: stream.id,
    appId: stream.appId,
    status: next.status,
    reasons: next.reasons.join(','),
    lowStreak: next.lowStreak,
    cleanStreak: next.cleanStreak,
    restarts: next.restarts,
    updatedAt: now,
  };
  const row: SampleRow = {
    sessionId,
    at,
    streamId: stream.id,
    appId: stream.appId,
    windowMs: Math.round(sample.window_s * 1000),
    inputBitrateKbps: sample.input_bitrate_kbps,
    frameRate: sample.frame_rate,
    keyframeIntervalS: sample.keyframe_interval_s,
    segments: sample.segments,
    segmentsLate: sample.segments_late,
    segmentsDropped: sample.segments_dropped,
    uploadLagMsP95: sample.upload_lag_ms_p95,
    uploadBacklog: sample.upload_backlog,
    encoderRestarts: sample.encoder_restarts,
    status: next.status,
    reasons: state.reasons,
    clean: isClean,
  };
  const changed = next.status !== prev.status;
  const event = changed
    ? newEventRow(
        {
          appId: stream.appId,
          type: next.status === 'degraded' ? 'stream.health.degraded' : 'stream.health.recovered',
          objectType: 'stream',
          objectId: stream.id,
          data: {
            id: stream.id,
            session_id: sessionId,
            health: {
              status: next.status,
              // A recovery names what the session had.
              reasons: next.status === 'degraded' ? next.reasons : prev.reasons,
              baseline_bitrate_kbps: baseline,
              sample: renderSample(row),
            },
          },
        },
        now,
      )
    : null;
  await db.batch([
    db.insert(h).values(row),
    db.insert(st).values(state).onConflictDoUpdate({ target: st.sessionId, set: state }),
    db.delete(h).where(and(eq(h.streamId, stream.id), lt(h.at, now - RETENTION_MS))),
    ...(event ? [eventStatement(db, event)] : []),
  ]);
  if (event) await deliverEvents(env, [event]);
  return { status: next.status, reasons: next.reasons };
}

export function renderSample(r: SampleRow) {
  return {
    at: new Date(r.at).toISOString(),
    window_s: r.windowMs / 1000,
    input_bitrate_kbps: r.inputBitrateKbps,
    frame_rate: r.frameRate,
    keyframe_interval_s: r.keyframeIntervalS,
    segments: r.segments,
    segments_late: r.segmentsLate,
    segments_dropped: r.segmentsDropped,
    upload_lag_ms_p95: r.uploadLagMsP95,
    upload_backlog: r.uploadBacklog,
    encoder_restarts: r.encoderRestarts,
    status: r.status,
    reasons: reasonsOf(r.reasons),
  };
}

/** A session's series (the stream's latest session unless named), oldest first, at most `limit` recent samples. */
export async function healthSeries(
  db: Db,
  streamId: string,
  q: { session_id?: string; from?: string; to?: string; limit: number },
) {
  const sessionId =
    q.session_id ??
    (await db.select({ s: h.sessionId }).from(h).where(eq(h.streamId, streamId)).orderBy(desc(h.at)).limit(1).all())[0]
      ?.s;
  if (!sessionId) return { session_id: null, status: null, reasons: [], samples: [] };
  const state = await db.query.streamHealthState.findFirst({
    where: and(eq(st.sessionId, sessionId), eq(st.streamId, streamId)),
  });
  const rows = await db
    .select()
    .from(h)
    .where(
      and(
        eq(h.sessionId, sessionId),
        eq(h.streamId, streamId),
        q.from ? gte(h.at, Date.parse(q.from)) : undefined,
        q.to ? lt(h.at, Date.parse(q.to)) : undefined,
      ),
    )
    .orderBy(desc(h.at))
    .limit(q.limit)
    .all();
  return {
    session_id: sessionId,
    status: state?.status ?? null,
    reasons: reasonsOf(state?.reasons ?? ''),
    samples: rows.reverse().map(renderSample),
  };
}
