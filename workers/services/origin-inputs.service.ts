import type { ProgramState } from '@edgelive/shared/stream-inputs';
import { and, eq } from 'drizzle-orm';
import type { Db } from '../../core/db/client';
import { streamInputs } from '../../core/db/schema/index';
import type { Env } from '../../core/env';
import type { streamStub } from '../../core/stubs';
import {
  connectedInputs,
  ensureInputs,
  type InputRow,
  setInputConnected,
  switchProgram,
} from './stream-inputs.service';
import type { StreamRow } from './streams.service';

/**
 * The origin's half of several inputs per stream (packages/shared/src/stream-inputs.ts): which
 * input a publisher is, joining a live session, the program poll, drops and failover cuts.
 */

/**
 * The live session another input may join: only the one this origin runs now, and only for an
 * input not already publishing there (the same camera twice is a second publisher, refused).
 */
export async function joinableSession(
  db: Db,
  stub: ReturnType<typeof streamStub>,
  stream: StreamRow,
  input: InputRow | null,
  originId: string,
): Promise<string | null> {
  if (!stream.currentSessionId) return null;
  const { primary } = await ensureInputs(db, stream);
  const [me] = await db
    .select()
    .from(streamInputs)
    .where(eq(streamInputs.id, (input ?? primary).id))
    .limit(1);
  if (!me || me.connectedAt !== null) return null;
  const r = await stub.checkOriginSession(stream.currentSessionId, originId);
  return r.ok ? stream.currentSessionId : null;
}

/**
 * A publisher of the stream connected. Starting (or resuming) a session with an input while the
 * one on air is not publishing puts the publishing one on air: the program is what is there.
 */
export async function inputConnected(
  db: Db,
  env: Env,
  stream: StreamRow,
  input: InputRow | null,
  originId: string,
  joined: boolean,
) {
  const { primary, program } = await ensureInputs(db, stream);
  const row = await setInputConnected(db, env, input ?? primary, originId);
  let programInputId = program.onAirInputId;
  if (row && !joined && programInputId !== row.id) {
    const [onAir] = await db.select().from(streamInputs).where(eq(streamInputs.id, programInputId)).limit(1);
    if (!onAir || onAir.connectedAt === null || onAir.originId !== originId)
      programInputId = (await switchProgram(db, env, stream, row, 'first_connected')).onAirInputId;
  }
  return { inputId: (input ?? primary).id, programInputId };
}

export async function programState(db: Db, stream: Pick<StreamRow, 'id' | 'appId'>): Promise<ProgramState> {
  const { program } = await ensureInputs(db, stream);
  const ids = await db.select({ id: streamInputs.id }).from(streamInputs).where(eq(streamInputs.streamId, stream.id));
  return {
    program_input_id: program.onAirInputId,
    auto_failover: program.autoFailover,
    failover_after_s: program.failoverAfterS,
    input_ids: ids.map((r) => r.id),
  };
}

/** The input's publisher left this origin (a later publish elsewhere is not undone by a late report). */
export async function inputDisconnected(db: Db, env: Env, stream: StreamRow, inputId: string, originId: string) {
  const [row] = await db
    .select()
    .from(streamInputs)
    .where(and(eq(streamInputs.id, inputId), eq(streamInputs.streamId, stream.id)))
    .limit(1);
  if (row && row.connectedAt !== null && row.originId === originId) await setInputConnected(db, env, row, null);
  return programState(db, stream);
}

/** The origin failed over to another input: it must be this stream's and connected there. */
export async function failoverTo(db: Db, env: Env, stream: StreamRow, inputId: string, originId: string) {
  const live = await connectedInputs(db, stream.id);
  const input = live.find((r) => r.id === inputId && r.originId === originId);
  if (!input) return null;
  await switchProgram(db, env, stream, input, 'failover');
  return programState(db, stream);
}

/** Every input of the stream is gone from this origin (its publication ended). */
export async function allInputsGone(db: Db, env: Env, streamId: string, originId: string) {
  for (const r of await connectedInputs(db, streamId))
    if (r.originId === originId) await setInputConnected(db, env, r, null);
}
