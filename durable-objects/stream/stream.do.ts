import { DurableObject } from 'cloudflare:workers';
import { gapWaitMs, SEGMENT_SECONDS, STALL_MS } from '@edgelive/shared/live-timing';
import { Scheduler } from '../../core/do/scheduler';
import { wipeObject } from '../../core/do/wipe';
import type { Env } from '../../core/env';
import { newId } from '../../core/ids';
import { ok, refuse } from '../../core/rpc';
import type { StreamIds } from '../../core/stream-reactions';
import type {
  InputReport,
  LiveTail,
  MasterInfo,
  PartCommit,
  PlaylistAnswer,
  PlaylistRequest,
  PublishRequest,
  PublishResult,
  RenditionReport,
  SegmentBegun,
  SegmentCommit,
  SessionRefusal,
  SessionResult,
  StreamConfig,
  StreamStatusAnswer,
} from './contract';
import { maxDurationAt, pruneKeep, renderLivePlaylist, renderLiveTail } from './live-window';
import { LowLatencyDesk } from './low-latency';
import { judgeOrigin, stallCheckAt } from './origin-watch';
import { RETRY_MS, ReactionOutbox } from './outbox';
import { variants, writeRecording } from './recording';
import { SegmentLog } from './segment-log';
import { type State, StreamStore } from './store';

/**
 * One per live stream (named by the stream id). Owns the live state machine
 *
 *   idle --publish--> active --publish-done / stall--> reconnecting --window over--> (finalize) idle
 *                       ^--- publish within the window, or the stalled origin's next call ---'
 *
 * plus `disabled` (refuses publishes and segments, ends a live session), the segment window per
 * rendition, and the playlists. A session ends in two steps: `finalize_pending` is set, the
 * recording is written (retried by the alarm until R2 takes it), and only then is it `idle`.
 * Every change's effects outside the object (D1 mirror, events, the room) go through
 * core/stream-reactions.ts from an outbox here, so a failure delays them and never loses them.
 */
export class StreamObject extends DurableObject<Env> {
  private readonly store: StreamStore;
  private readonly log: SegmentLog;
  private readonly timers: Scheduler;
  private readonly outbox: ReactionOutbox;
  /** LL-HLS parts and the blocking reloads waiting for them. */
  private readonly ll: LowLatencyDesk;
  /** The origin was alive at the last stall check for this activity: look again at `at` (origin-watch.ts). */
  private recheck: { activity: number; at: number } | null = null;
  /** Playlist requests answered since the object started: what the Worker's micro-cache bounds. */
  private readonly served = { masters: 0, mediaPlaylists: 0 };

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = new StreamStore(ctx.storage.sql);
    this.log = new SegmentLog(ctx.storage.sql);
    this.ll = new LowLatencyDesk(ctx.storage.sql, this.log);
    void ctx.blockConcurrencyWhile(async () => this.store.migrate());
    this.timers = new Scheduler(ctx.storage.sql, ctx.storage);
    this.outbox = new ReactionOutbox(env, this.store, this.timers);
  }

  /** Its app was deleted: nothing of it stays here (core/do/wipe.ts). */
  async wipe(): Promise<void> {
    await wipeObject(this.ctx);
  }

  private config(s: State): StreamConfig {
    return JSON.parse(s.config ?? 'null') as StreamConfig;
  }

  private ids(s: State): StreamIds {
    return { appId: s.app_id!, streamId: s.stream_id!, sessionId: s.session_id! };
  }

  /** An origin call about a session is valid only for the live session and the origin serving it. */
  private checkSession(s: State, sessionId: string, originId: string): SessionRefusal | null {
    if (s.deleted) return 'session_ended';
    if (s.disabled) return 'stream_disabled';
    // After a takeover by another origin, the old one's pipeline must stop: its session has ended.
    if (s.status === 'idle' || s.finalize_pending || s.session_id !== sessionId || s.origin_id !== originId)
      return 'session_ended';
    return null;
  }

  async publish(req: PublishRequest): Promise<PublishResult> {
    let s = this.store.state();
    if (s.deleted) return refuse('stream_deleted');
    if (s.disabled) return refuse('stream_disabled');
    if (s.finalize_pending) {
      // The last session's recording must be written before its segments may be forgotten.
      await this.finalize();
      s = this.store.state();
      if (s.finalize_pending) return refuse('session_ending');
    }
    const now = Date.now();
    if (s.status !== 'idle' && s.session_id) {
      // A healthy live publish keeps its stream: a second publisher (another origin, or a stray
      // reconnect) takes over only after publish-done or a stall.
      if (s.status === 'active' && (s.last_activity_at ?? 0) + STALL_MS > now) return refuse('stream_live');
      // Back within the window (or a new origin taking over a stalled one): same session, the
      // playlists continue after a discontinuity, numbering continues where it stopped.
      this.store.set({
        status: 'active',
        origin_id: req.originId,
        epoch: s.epoch + 1,
        reconnects: s.reconnects + 1,
        last_activity_at: now,
        reconnect_deadline: null,
        stalled: 0,
      });
      s = this.store.state();
      this.outbox.record({
        kind: 'session_resumed',
        ids: this.ids(s),
        originId: req.originId,
        reconnects: s.reconnects,
      });
      await this.plan();
      await this.outbox.flush();
      return ok({
        sessionId: s.session_id!,
        resumed: true,
        nextSequence: this.log.nextSequence(s.session_id!),
        config: this.config(s),
      });
    }
    const sessionId = newId('streamSession');
    this.log.forgetOtherSessions(sessionId);
    this.store.set({
      stream_id: req.streamId,
      app_id: req.appId,
      status: 'active',
      session_id: sessionId,
      origin_id: req.originId,
      epoch: 0,
      reconnects: 0,
      config: JSON.stringify(req.config),
      started_at: now,
      last_activity_at: now,
      reconnect_deadline: null,
      stalled: 0,
      ended_at: null,
    });
    this.store.recordSession(sessionId, req.config.encryption === true);
    this.outbox.record({
      kind: 'session_started',
      ids: { appId: req.appId, streamId: req.streamId, sessionId },
      originId: req.originId,
      recording: req.config.recording,
      startedAt: now,
    });
    await this.plan();
    await this.outbox.flush();
    return ok({ sessionId, resumed: false, nextSequence: 0, config: req.config });
  }

  /**
   * A call from the live session's own origin: it is alive. After a stall (its calls stopped
   * reaching us for a while, then came back) that returns the session to `active`.
   */
  private async heardFrom(s: State) {
    this.store.set({ last_activity_at: Date.now() });
    // A reaction an earlier failure left behind is finished on the next call, not only by the alarm.
    if (this.outbox.pending) await this.outbox.flush();
    if (s.status !== 'reconnecting' || !s.stalled) return;
    this.store.set({ status: 'active', reconnect_deadline: null, stalled: 0 });
    this.outbox.record({ kind: 'session_resumed', ids: this.ids(s), originId: s.origin_id!, reconnects: s.reconnects });
    await this.plan();
    await this.outbox.flush();
  }

  async reportInput(sessionId: string, originId: string, input: InputReport): Promise<SessionResult> {
    const s = this.store.state();
    const refusal = this.checkSession(s, sessionId, originId);
    if (refusal) return refuse(refusal);
    const { renditions, ...reported } = input;
    if (renditions) this.store.setSessionRenditions(sessionId, renditions);
    this.outbox.record({ kind: 'input_reported', ids: this.ids(s), input: reported });
    await this.heardFrom(s);
    await this.outbox.flush();
    return ok({});
  }

  /**
   * First half of a segment upload, before the Worker writes R2: `exists` makes retries cheap
   * (no second R2 write), a refusal stops a pipeline that should no longer run.
   */
  async beginSegment(
    sessionId: string,
    originId: string,
    rendition: string,
    sequence: number,
  ): Promise<SessionResult<SegmentBegun>> {
    const s = this.store.state();
    if (this.log.has(sessionId, rendition, sequence)) return ok({ exists: true, appId: s.app_id, primary: false });
    const refusal = this.checkSession(s, sessionId, originId);
    if (refusal) return refuse(refusal);
    const ladder = this.config(s).ladder;
    if (!ladder.includes(rendition as never)) return refuse('invalid_request');
    await this.heardFrom(s);
    // The ladder's first rendition stands for the session's connected time in usage metering.
    return ok({ exists: false, appId: s.app_id, primary: ladder[0] === rendition });
  }

  /** Second half, after the R2 write completed: only now may a playlist name the segment. */
  commitSegment(c: SegmentCommit): { created: boolean } {
    const s = this.store.state();
    // The session may have ended between the halves; the object is in R2 but no playlist needs it.
    if (s.session_id !== c.sessionId || s.deleted) return { created: false };
    const now = Date.now();
    const created = this.log.insert({ ...c, epoch: s.epoch }, now);
    if (!created) return { created };
    const cfg = this.config(s);
    this.log.advance(c.sessionId, c.rendition, now, gapWaitMs(cfg.latencyMode));
    if (!cfg.recording) this.log.prune(c.sessionId, c.rendition, pruneKeep(cfg));
    if (s.status === 'active') this.store.set({ last_activity_at: now });
    this.ll.segmentCommitted(c.sessionId, c.rendition, c.sequence);
    return { created };
  }

  /** An LL-HLS part, after its R2 write: listed at once, and held reloads waiting for it answer. */
  async commitPart(originId: string, p: PartCommit): Promise<SessionResult<{ created: boolean }>> {
    const s = this.store.state();
    const refusal = this.checkSession(s, p.sessionId, originId);
    if (refusal) return refuse(refusal);
    if (!this.config(s).ladder.includes(p.rendition as never)) return refuse('invalid_request');
    return ok({ created: this.ll.commitPart(p) });
  }

  async reportRendition(sessionId: string, originId: string, name: string, r: RenditionReport): Promise<SessionResult> {
    const s = this.store.state();
    const refusal = this.checkSession(s, sessionId, originId);
    if (refusal) return refuse(refusal);
    if (!this.config(s).ladder.includes(name as never)) return refuse('invalid_request');
    this.store.putRendition(sessionId, name, r);
    await this.heardFrom(s);
    return ok({});
  }

  /** For calls that carry no state of their own (thumbnails): is this the live session's origin? */
  checkOriginSession(sessionId: string, originId: string): SessionResult<{ startedAt: number }> {
    const s = this.store.state();
    const refusal = this.checkSession(s, sessionId, originId);
    return refusal ? refuse(refusal) : ok({ startedAt: s.started_at ?? Date.now() });
  }

  /** The publisher left. A stale origin's late publish-done after a takeover changes nothing. */
  async publishDone(sessionId: string, originId: string): Promise<void> {
    const s = this.store.state();
    if (this.checkSession(s, sessionId, originId)) return;
    // Gone for good now: late uploads of a stalled session must not bring it back.
    if (s.status === 'reconnecting') return this.store.set({ stalled: 0 });
    await this.enterReconnecting(s, false);
  }

  private async enterReconnecting(s: State, stalled: boolean) {
    const windowS = this.config(s).reconnectWindowS;
    if (windowS === 0) return this.endSession();
    this.store.set({
      status: 'reconnecting',
      reconnect_deadline: Date.now() + windowS * 1000,
      stalled: stalled ? 1 : 0,
    });
    this.outbox.record({ kind: 'session_reconnecting', ids: this.ids(s) });
    await this.plan();
    await this.outbox.flush();
  }

  status(): StreamStatusAnswer {
    const s = this.store.state();
    if (s.deleted) return { status: 'deleted', disabled: true };
    return { status: s.disabled ? 'disabled' : s.status, disabled: s.disabled === 1 };
  }

  /** Whether a session's segments are encrypted; null for a session this object never recorded. */
  sessionEncryption(sessionId: string): boolean | null {
    return this.store.sessionEncryption(sessionId);
  }

  /** Refuses publishers from now on and ends a live session at once (the agent drops the publisher). */
  async disable(streamId: string, appId: string): Promise<void> {
    this.store.set({ stream_id: streamId, app_id: appId, disabled: 1 });
    const s = this.store.state();
    if (s.status !== 'idle' && !s.finalize_pending) await this.endSession();
  }

  enable(): void {
    this.store.set({ disabled: 0 });
  }

  /** The stream was deleted: nothing is accepted again; a live session ends without events. */
  async remove(): Promise<void> {
    const s = this.store.state();
    this.store.set({ deleted: 1, disabled: 1, status: 'idle', reconnect_deadline: null, finalize_pending: 0 });
    for (const name of ['stall', 'deadline', 'finalize', 'max_duration']) this.timers.cancel(name);
    await this.timers.rearm();
    if (s.session_id) this.log.forgetOtherSessions('');
  }

  /**
   * The one alarm serves every timer (stall check, reconnect deadline, finalize and reaction
   * retries). Each check below reads the state, so a timer that fires early (or an alarm armed
   * before the timers had names) does only what is due.
   */
  override async alarm(): Promise<void> {
    this.timers.takeDue();
    const s = this.store.state();
    const now = Date.now();
    if (s.finalize_pending) await this.finalize();
    else if (s.status !== 'idle' && s.started_at != null && maxDurationAt(this.config(s), s.started_at) <= now) {
      // Over its maximum continuous duration: ended like a publisher that left for good.
      this.outbox.record({ kind: 'session_max_duration', ids: this.ids(s) });
      await this.endSession();
    } else if (s.status === 'reconnecting' && s.reconnect_deadline != null && s.reconnect_deadline <= now)
      await this.endSession();
    else if (
      s.status === 'active' &&
      s.last_activity_at != null &&
      stallCheckAt(s.last_activity_at, this.recheck) <= now
    ) {
      const verdict = await judgeOrigin(this.env.DB, s.origin_id ?? '', s.last_activity_at, now);
      if (verdict.down) await this.enterReconnecting(s, true);
      else this.recheck = { activity: s.last_activity_at, at: verdict.recheckAt };
    }
    await this.outbox.flush();
    await this.plan();
  }

  /** Sets the stall and deadline timers from the state, then arms the alarm for the earliest. */
  private async plan() {
    const s = this.store.state();
    if (s.status === 'active' && s.last_activity_at != null && !s.finalize_pending)
      this.timers.schedule('stall', stallCheckAt(s.last_activity_at, this.recheck), false);
    else this.timers.cancel('stall');
    if (s.status === 'reconnecting' && s.reconnect_deadline != null && !s.finalize_pending)
      this.timers.schedule('deadline', s.reconnect_deadline, false);
    else this.timers.cancel('deadline');
    if (s.status !== 'idle' && s.started_at != null && !s.finalize_pending)
      this.timers.schedule('max_duration', maxDurationAt(this.config(s), s.started_at), false);
    else this.timers.cancel('max_duration');
    await this.timers.rearm();
  }

  /** The session is over: from here it only has to be finalized. */
  private async endSession() {
    const s = this.store.state();
    if (!s.session_id || !s.stream_id) {
      this.store.set({ status: 'idle', reconnect_deadline: null });
      return this.plan();
    }
    this.store.set({ finalize_pending: 1, reconnect_deadline: null, stalled: 0, ended_at: Date.now() });
    this.ll.sessionEnded();
    await this.finalize();
  }

  /**
   * Writes the recording (if on), then sets `idle` and records the session's end. Safe to call
   * again and again: a failed write leaves `finalize_pending` for the alarm to retry.
   */
  private async finalize() {
    const s = this.store.state();
    if (!s.finalize_pending || !s.session_id || !s.stream_id) return;
    const cfg = this.config(s);
    let recording = null;
    try {
      if (cfg.recording)
        recording = await writeRecording(this.env, this.store, this.log, s.stream_id, s.session_id, cfg);
    } catch (err) {
      console.error('stream: writing the recording failed, will retry', s.session_id, String(err));
      this.timers.schedule('finalize', Date.now() + RETRY_MS);
      return this.plan();
    }
    // Another finalize (or a deletion) may have finished while this one wrote.
    if (!this.store.state().finalize_pending) return;
    this.store.set({ status: 'idle', finalize_pending: 0 });
    this.timers.cancel('finalize');
    this.outbox.record({ kind: 'session_ended', ids: this.ids(s), endedAt: s.ended_at ?? Date.now(), recording });
    await this.plan();
    await this.outbox.flush();
  }

  /** The live variants: renditions with at least one listed segment. Null when nothing is live. */
  master(): MasterInfo | null {
    this.served.masters += 1;
    const s = this.store.state();
    if (s.deleted || s.disabled || s.status === 'idle' || s.finalize_pending || !s.session_id) return null;
    const cfg = this.config(s);
    const now = Date.now();
    for (const r of cfg.ladder) this.log.advance(s.session_id, r, now, gapWaitMs(cfg.latencyMode));
    const listed = this.log.renditionsWithListed(s.session_id);
    const renditions = cfg.ladder.filter((r) => listed.has(r));
    if (!renditions.length) return null;
    // Players keep the first master they get: wait until every rendition the origin produces is
    // listed, unless one is late by more than the gap wait (a broken rung must not black out the rest).
    const expected = this.store.sessionRenditions(s.session_id);
    const missing = expected?.some((r) => !listed.has(r) && cfg.ladder.includes(r as never));
    if (missing && now - (this.log.firstListedAt(s.session_id) ?? now) < gapWaitMs(cfg.latencyMode)) return null;
    return { sessionId: s.session_id, variants: variants(this.store, this.log, s.session_id, renditions) };
  }

  /**
   * The media playlist of the live (or just ended) session; null for any other session, whose
   * recording (if any) the Worker serves from R2.
   */
  mediaPlaylist(sessionId: string, rendition: string, skip = false): string | null {
    this.served.mediaPlaylists += 1;
    const s = this.store.state();
    if (s.deleted || s.session_id !== sessionId || !s.config) return null;
    const cfg = this.config(s);
    if (!cfg.ladder.includes(rendition as never)) return null;
    const ended = s.status === 'idle' || s.finalize_pending === 1;
    if (!ended) this.log.advance(sessionId, rendition, Date.now(), gapWaitMs(cfg.latencyMode));
    return renderLivePlaylist(this.log, cfg, sessionId, rendition, ended, { parts: this.ll.parts, skip });
  }

  /**
   * A blocking reload (LL-HLS `_HLS_msn`/`_HLS_part`): answered as soon as the part is committed,
   * at once when the session ends, and with the playlist as it is after three target durations.
   */
  async blockingPlaylist(sessionId: string, rendition: string, req: PlaylistRequest): Promise<PlaylistAnswer> {
    const live = () => {
      const s = this.store.state();
      return !s.deleted && s.session_id === sessionId && s.status !== 'idle' && s.finalize_pending !== 1;
    };
    const timeoutMs = 3 * SEGMENT_SECONDS.low * 1000;
    return this.ll.playlist(sessionId, rendition, req, timeoutMs, live, () =>
      this.mediaPlaylist(sessionId, rendition, req.skip),
    );
  }

  /** A preload-hinted part asked before it exists: true once it is committed (within about two parts). */
  awaitPart(sessionId: string, rendition: string, sequence: number, part: number): Promise<boolean> {
    return this.ll.awaitPart(sessionId, rendition, sequence, part, 1500);
  }

  /** The live session's last `seconds` per rendition (an instant clip's source); null when not live. */
  liveTail(seconds: number): LiveTail | null {
    const master = this.master();
    return master ? renderLiveTail(this.log, this.config(this.store.state()), master, seconds) : null;
  }

  servedCounts(): { masters: number; mediaPlaylists: number } {
    return { ...this.served };
  }
}
