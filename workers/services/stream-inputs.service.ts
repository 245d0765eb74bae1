import type { ServerFrameOf } from '@edgelive/shared';
import { and, count, eq, isNotNull } from 'drizzle-orm';
import { sha256Hex } from '../../core/crypto';
import type { Db } from '../../core/db/client';
import { streamInputs, streamPrograms, streamSessions, streams } from '../../core/db/schema/index';
import type { Env } from '../../core/env';
import { emitEvent } from '../../core/events';
import { newId, randomToken } from '../../core/ids';
import { openSecret, sealSecret } from '../../core/secret-box';
import { openStreamKey } from '../../core/stream-keys';
import { roomStub } from '../../core/stubs';
import { iso } from '../../core/time';
import { ApiError, badRequest } from '../lib/errors';
import { findInApp, pageInApp } from './app-rows';
import { ingestFor, listOrigins } from './origins.service';
import { assertPerStreamAllowed } from './plan-limits.service';
import type { StreamRow } from './streams.service';

export type InputRow = typeof streamInputs.$inferSelect;
export type ProgramRow = typeof streamPrograms.$inferSelect;

/** Cameras per stream: enough for a studio, few enough that one origin can preview them all. */
export const MAX_INPUTS_PER_STREAM = 8;

/** The same shape as a stream key, so OBS setups and docs read the same. */
const newInputKey = () => `lsk_${randomToken(40)}`;

/** The key of an input: the stream's own for the primary one, its sealed own otherwise. */
export async function inputKey(env: Env, stream: Pick<StreamRow, 'streamKey'>, r: InputRow): Promise<string | null> {
  if (r.position === 0) return openStreamKey(env, stream.streamKey).catch(() => null);
  return r.streamKeySealed ? openSecret(env, 'stream_key', r.streamKeySealed).catch(() => null) : null;
}

export const renderInput = (r: InputRow, key: string | null, program: ProgramRow | null, ingest: InputIngest) => ({
  id: r.id,
  stream_id: r.streamId,
  name: r.name,
  primary: r.position === 0,
  stream_key: key,
  ingest,
  on_air: program?.onAirInputId === r.id,
  status: r.connectedAt === null ? ('disconnected' as const) : ('connected' as const),
  connected_at: iso(r.connectedAt),
  created_at: iso(r.createdAt)!,
  updated_at: iso(r.updatedAt)!,
});

type InputIngest = ReturnType<typeof ingestFor>;

/**
 * Where every input of this stream publishes (RTMP, RTMPS, SRT; each with its own key): the live
 * session's origin while it runs, since the ladder reads all inputs from that origin's NGINX-RTMP,
 * else the origin a new session would get. The same choice as the stream's own `ingest`.
 */
export async function inputIngest(db: Db, stream: StreamRow): Promise<InputIngest> {
  const session = stream.currentSessionId
    ? await db
        .select({ originId: streamSessions.originId, status: streamSessions.status })
        .from(streamSessions)
        .where(eq(streamSessions.id, stream.currentSessionId))
        .get()
    : undefined;
  return ingestFor(await listOrigins(db), session && session.status !== 'ended' ? session.originId : null);
}

export const renderProgram = (p: ProgramRow) => ({
  stream_id: p.streamId,
  on_air_input_id: p.onAirInputId,
  auto_failover: p.autoFailover,
  failover_after_s: p.failoverAfterS,
  switched_at: iso(p.switchedAt),
});

/**
 * A stream gets its input rows the first time anything asks: the primary input (the stream's own
 * key) and the program row with it on air. Idempotent under races (unique position, primary key).
 */
export async function ensureInputs(db: Db, stream: Pick<StreamRow, 'id' | 'appId'>) {
  const now = Date.now();
  const primaryId = newId('streamInput');
  await db.batch([
    db
      .insert(streamInputs)
      .values({
        id: primaryId,
        appId: stream.appId,
        streamId: stream.id,
        name: 'Primary',
        position: 0,
        streamKeySealed: null,
        streamKeyHash: null,
        connectedAt: null,
        originId: null,
        createdAt: now,
        updatedAt: now,
      })
      .onConflictDoNothing(),
  ]);
  const [primary] = await db
    .select()
    .from(streamInputs)
    .where(and(eq(streamInputs.streamId, stream.id), eq(streamInputs.position, 0)))
    .limit(1);
  await db
    .insert(streamPrograms)
    .values({ streamId: stream.id, appId: stream.appId, onAirInputId: primary!.id, updatedAt: now })
    .onConflictDoNothing();
  const [program] = await db.select().from(streamPrograms).where(eq(streamPrograms.streamId, stream.id)).limit(1);
  return { primary: primary!, program: program! };
}

export async function listInputs(db: Db, env: Env, stream: StreamRow, q: { limit: number; cursor?: string }) {
  const { program } = await ensureInputs(db, stream);
  const rows = await pageInApp(db, streamInputs, stream.appId, q, eq(streamInputs.streamId, stream.id));
  const keys = await Promise.all(rows.map((r) => inputKey(env, stream, r)));
  const ingest = await inputIngest(db, stream);
  return { rows, render: (r: InputRow) => renderInput(r, keys[rows.indexOf(r)] ?? null, program, ingest) };
}

/** The input if it belongs to this stream (and so to the caller's app); otherwise 404. */
export async function findInput(db: Db, stream: StreamRow, id: string): Promise<InputRow> {
  const row = await findInApp(db, streamInputs, 'streamInput', 'input', stream.appId, id);
  if (row.streamId !== stream.id) throw new ApiError(404, 'not_found', 'No such input on this stream.');
  return row;
}

export async function renderOne(db: Db, env: Env, stream: StreamRow, row: InputRow) {
  const { program } = await ensureInputs(db, stream);
  return renderInput(row, await inputKey(env, stream, row), program, await inputIngest(db, stream));
}

export async function createInput(db: Db, env: Env, stream: StreamRow, body: { name: string }) {
  await ensureInputs(db, stream);
  const existing = await db
    .select({ n: count(), top: streamInputs.position })
    .from(streamInputs)
    .where(eq(streamInputs.streamId, stream.id));
  const n = existing[0]?.n ?? 0;
  if (n >= MAX_INPUTS_PER_STREAM)
    throw new ApiError(409, 'limit_reached', `A stream has at most ${MAX_INPUTS_PER_STREAM} inputs; delete one first.`);
  await assertPerStreamAllowed(db, env, stream.appId, 'inputs_per_stream', n);
  const positions = await db
    .select({ p: streamInputs.position })
    .from(streamInputs)
    .where(eq(streamInputs.streamId, stream.id));
  const key = newInputKey();
  const now = Date.now();
  const row: InputRow = {
    id: newId('streamInput'),
    appId: stream.appId,
    streamId: stream.id,
    name: body.name,
    position: Math.max(0, ...positions.map((x) => x.p)) + 1,
    streamKeySealed: await sealSecret(env, 'stream_key', key),
    streamKeyHash: await sha256Hex(key),
    connectedAt: null,
    originId: null,
    createdAt: now,
    updatedAt: now,
  };
  await db.insert(streamInputs).values(row);
  return { row, key };
}

/** The primary input is the stream's own key (reset it with reset-stream-key); an input on air is cut away from first. */
export async function deleteInput(db: Db, stream: StreamRow, row: InputRow) {
  if (row.position === 0)
    throw new ApiError(409, 'primary_input', "The primary input is the stream's own key; it cannot be deleted.");
  const { program } = await ensureInputs(db, stream);
  if (program.onAirInputId === row.id)
    throw new ApiError(409, 'input_on_air', 'This input is on air; switch to another input first.');
  await db.delete(streamInputs).where(eq(streamInputs.id, row.id));
}

export async function updateProgram(
  db: Db,
  stream: StreamRow,
  body: { auto_failover?: boolean; failover_after_s?: number },
) {
  const { program } = await ensureInputs(db, stream);
  const patch: Partial<ProgramRow> = { updatedAt: Date.now() };
  if (body.auto_failover !== undefined) patch.autoFailover = body.auto_failover;
  if (body.failover_after_s !== undefined) patch.failoverAfterS = body.failover_after_s;
  const [updated] = await db
    .update(streamPrograms)
    .set(patch)
    .where(eq(streamPrograms.streamId, program.streamId))
    .returning();
  return updated!;
}

/** The room of a stream hears each program change, so a page can say "camera 2". */
async function pushProgramFrame(env: Env, roomId: string | null, program: ServerFrameOf<'program'>['program']) {
  if (!roomId) return;
  await roomStub(env, roomId)
    .pushStreamFrame({ type: 'program', program })
    .catch((err: unknown) => console.error('program frame not pushed', err));
}

export type SwitchReason = 'api' | 'failover' | 'first_connected';

/**
 * Puts an input on air: the program row, the `stream.input_switched` event and the room's
 * `program` frame. The origin running the session follows within its program poll.
 */
export async function switchProgram(
  db: Db,
  env: Env,
  stream: Pick<StreamRow, 'id' | 'appId' | 'roomId'>,
  input: InputRow,
  reason: SwitchReason,
) {
  const { program } = await ensureInputs(db, stream);
  if (program.onAirInputId === input.id) return program;
  const now = Date.now();
  const [updated] = await db
    .update(streamPrograms)
    .set({ onAirInputId: input.id, switchedAt: now, updatedAt: now })
    .where(eq(streamPrograms.streamId, stream.id))
    .returning();
  const data = { ...renderProgram(updated!), from_input_id: program.onAirInputId, input_name: input.name, reason };
  await emitEvent(env, {
    appId: stream.appId,
    type: 'stream.input_switched',
    objectType: 'stream',
    objectId: stream.id,
    data,
  });
  await pushProgramFrame(env, stream.roomId, {
    input_id: input.id,
    name: input.name,
    reason,
    switched_at: iso(now)!,
  });
  return updated!;
}

/** A switch asked for by the API: the input must be this stream's and publishing now. */
export async function switchByApi(db: Db, env: Env, stream: StreamRow, inputId: string) {
  const input = await findInApp(db, streamInputs, 'streamInput', 'input', stream.appId, inputId).catch(() => null);
  if (!input) throw badRequest('No such input.', { field: 'input_id' });
  if (input.streamId !== stream.id)
    throw new ApiError(400, 'input_of_other_stream', 'This input belongs to another stream.', { field: 'input_id' });
  if (input.connectedAt === null)
    throw new ApiError(
      409,
      'input_not_connected',
      'This input is not publishing; only a connected input can go on air.',
    );
  return switchProgram(db, env, stream, input, 'api');
}

// ---- the origin's side ----

/** The input a publishing key names: the stream's own key is its primary input. */
export async function resolveInputKey(
  db: Db,
  key: string,
): Promise<{ stream: StreamRow; input: InputRow | null } | null> {
  const hash = await sha256Hex(key);
  const direct = await db.query.streams.findFirst({ where: eq(streams.streamKeyHash, hash) });
  if (direct) return { stream: direct, input: null };
  const [input] = await db.select().from(streamInputs).where(eq(streamInputs.streamKeyHash, hash)).limit(1);
  if (!input) return null;
  const stream = await db.query.streams.findFirst({ where: eq(streams.id, input.streamId) });
  return stream ? { stream, input } : null;
}

export const connectedInputs = (db: Db, streamId: string) =>
  db
    .select()
    .from(streamInputs)
    .where(and(eq(streamInputs.streamId, streamId), isNotNull(streamInputs.connectedAt)));

/** Marks an input connected (or not) and records `stream.input.connected` / `.disconnected`. */
export async function setInputConnected(db: Db, env: Env, input: InputRow, originId: string | null) {
  const now = Date.now();
  const [updated] = await db
    .update(streamInputs)
    .set({ connectedAt: originId ? now : null, originId, updatedAt: now })
    .where(eq(streamInputs.id, input.id))
    .returning();
  if (!updated) return null;
  // The event names the origin itself; the ingest URLs are for whoever sets up a camera.
  const { ingest: _, ...view } = renderInput(updated, null, null, null);
  await emitEvent(env, {
    appId: input.appId,
    type: originId ? 'stream.input.connected' : 'stream.input.disconnected',
    objectType: 'stream_input',
    objectId: input.id,
    data: { ...view, origin_id: originId ?? input.originId },
  });
  return updated;
}
