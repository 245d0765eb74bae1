import { DurableObject } from 'cloudflare:workers';
import type { Env } from '../core/env';
import { newId } from '../core/ids';
import { PLAYLIST_TYPE, recordingKey, recordingMasterKey } from '../core/media-keys';
import * as mirror from './stream/mirror';
import { renderMasterPlaylist, renderMediaPlaylist } from './stream/playlist';
import { migrate } from './stream/schema';
import { SegmentLog } from './stream/segment-log';
import { gapWaitMs, SEGMENT_SECONDS, STALL_MS, windowCount } from './stream/timing';
import type {
  InputReport,
  LiveStatus,
  MasterInfo,
  PublishAnswer,
  PublishRequest,
  Refusal,
  RenditionReport,
  Result,
  SegmentCommit,
  StreamConfig,
} from './stream/types';

interface State extends Record<string, SqlStorageValue> {
  stream_id: string | null;
  app_id: string | null;
  status: LiveStatus;
  disabled: number;
  deleted: number;
  session_id: string | null;
  origin_id: string | null;
  epoch: number;
  reconnects: number;
  config: string | null;
  started_at: number | null;
  last_activity_at: number | null;
  reconnect_deadline: number | null;
}

/** The session's key, beside its media playlists (workers/routes/hls.routes.ts serves it). */
const KEY_URI = 'aes.key';

const refuse = (code: Refusal) => ({ ok: false as const, code });

/**
 * One per live stream (named by the stream id). Owns the live state machine
 *
 *   idle --publish--> active --publish-done / stall--> reconnecting --window over--> idle
 *                       ^------------- publish within the window ----------'
 *
 * plus `disabled` (refuses publishes and segments, ends a live session), the segment window per
 * rendition, and the playlists. D1 holds a mirror written on each transition.
 */
export class StreamObject extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  private readonly log: SegmentLog;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.log = new SegmentLog(this.sql);
    void ctx.blockConcurrencyWhile(async () => migrate(this.sql));
  }

  private state(): State {
    return this.sql.exec<State>('SELECT * FROM state WHERE id = 1').one();
  }

  private set(fields: Partial<State>) {
    const keys = Object.keys(fields);
    if (!keys.length) return;
    this.sql.exec(
      `UPDATE state SET ${keys.map((k) => `${k} = ?`).join(', ')} WHERE id = 1`,
      ...keys.map((k) => fields[k] ?? null),
    );
  }

  private config(s: State): StreamConfig {
    return JSON.parse(s.config ?? 'null') as StreamConfig;
  }

  private ids(s: State) {
    return { appId: s.app_id!, streamId: s.stream_id!, sessionId: s.session_id! };
  }

  /** An origin call about a session is valid only for the live session and the origin serving it. */
  private checkSession(s: State, sessionId: string, originId: string): Refusal | null {
    if (s.deleted) return 'session_ended';
    if (s.disabled) return 'stream_disabled';
    // After a takeover by another origin, the old one's pipeline must stop: its session has ended.
    if (s.status === 'idle' || s.session_id !== sessionId || s.origin_id !== originId) return 'session_ended';
    return null;
  }

  async publish(req: PublishRequest): Promise<Result<PublishAnswer>> {
    let s = this.state();
    if (s.deleted) return refuse('stream_deleted');
    if (s.disabled) return refuse('stream_disabled');
    const now = Date.now();
    if (s.status !== 'idle' && s.session_id) {
      // Back within the window (or a new origin taking over a stalled one): same session, the
      // playlists continue after a discontinuity, numbering continues where it stopped.
      this.set({
        status: 'active',
        origin_id: req.originId,
        epoch: s.epoch + 1,
        reconnects: s.reconnects + 1,
        last_activity_at: now,
        reconnect_deadline: null,
      });
      s = this.state();
      await this.schedule();
      await mirror.sessionResumed(this.env, this.ids(s), { originId: req.originId, reconnects: s.reconnects });
      return {
        ok: true,
        sessionId: s.session_id!,
        resumed: true,
        nextSequence: this.log.nextSequence(s.session_id!),
        config: this.config(s),
      };
    }
    const sessionId = newId('streamSession');
    this.log.forgetOtherSessions(sessionId);
    this.set({
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
    });
    s = this.state();
    await this.schedule();
    await mirror.sessionStarted(this.env, this.ids(s), {
      originId: req.originId,
      recording: req.config.recording,
      startedAt: now,
    });
    return { ok: true, sessionId, resumed: false, nextSequence: 0, config: req.config };
  }

  async reportInput(sessionId: string, originId: string, input: InputReport): Promise<Result<object>> {
    const s = this.state();
    const refusal = this.checkSession(s, sessionId, originId);
    if (refusal) return refuse(refusal);
    this.set({ last_activity_at: Date.now() });
    await mirror.inputReported(this.env, sessionId, input);
    return { ok: true };
  }

  /**
   * First half of a segment upload, before the Worker writes R2: `exists` makes retries cheap
   * (no second R2 write), a refusal stops a pipeline that should no longer run.
   */
  beginSegment(sessionId: string, originId: string, rendition: string, sequence: number): Result<{ exists: boolean }> {
    const s = this.state();
    if (this.log.has(sessionId, rendition, sequence)) return { ok: true, exists: true };
    const refusal = this.checkSession(s, sessionId, originId);
    if (refusal) return refuse(refusal);
    if (!this.config(s).ladder.includes(rendition as never)) return refuse('unknown_rendition');
    return { ok: true, exists: false };
  }

  /** Second half, after the R2 write completed: only now may a playlist name the segment. */
  commitSegment(c: SegmentCommit): { created: boolean } {
    const s = this.state();
    // The session may have ended between the halves; the object is in R2 but no playlist needs it.
    if (s.session_id !== c.sessionId || s.deleted) return { created: false };
    const now = Date.now();
    const created = this.log.insert({ ...c, epoch: s.epoch }, now);
    if (!created) return { created };
    const cfg = this.config(s);
    this.log.advance(c.sessionId, c.rendition, now, gapWaitMs(cfg.latencyMode));
    if (!cfg.recording) this.log.prune(c.sessionId, c.rendition, windowCount(cfg.latencyMode) * 2);
    if (s.status === 'active') this.set({ last_activity_at: now });
    return { created };
  }

  reportRendition(sessionId: string, originId: string, name: string, r: RenditionReport): Result<object> {
    const s = this.state();
    const refusal = this.checkSession(s, sessionId, originId);
    if (refusal) return refuse(refusal);
    if (!this.config(s).ladder.includes(name as never)) return refuse('unknown_rendition');
    this.sql.exec(
      `INSERT INTO renditions (session_id, name, bandwidth, average_bandwidth, resolution, codecs, frame_rate) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (session_id, name) DO UPDATE SET bandwidth = excluded.bandwidth, average_bandwidth = excluded.average_bandwidth,
         resolution = excluded.resolution, codecs = excluded.codecs, frame_rate = excluded.frame_rate`,
      sessionId,
      name,
      r.bandwidth,
      r.average_bandwidth ?? null,
      r.resolution,
      r.codecs,
      r.frame_rate,
    );
    this.set({ last_activity_at: Date.now() });
    return { ok: true };
  }

  /** For calls that carry no state of their own (thumbnails): is this the live session's origin? */
  checkOriginSession(sessionId: string, originId: string): Result<{ startedAt: number }> {
    const s = this.state();
    const refusal = this.checkSession(s, sessionId, originId);
    return refusal ? refuse(refusal) : { ok: true, startedAt: s.started_at ?? Date.now() };
  }

  /** The publisher left. A stale origin's late publish-done after a takeover changes nothing. */
  async publishDone(sessionId: string, originId: string): Promise<void> {
    const s = this.state();
    if (this.checkSession(s, sessionId, originId) || s.status !== 'active') return;
    await this.enterReconnecting(s);
  }

  private async enterReconnecting(s: State) {
    const windowS = this.config(s).reconnectWindowS;
    if (windowS === 0) return this.endSession();
    this.set({ status: 'reconnecting', reconnect_deadline: Date.now() + windowS * 1000 });
    await this.schedule();
    await mirror.sessionReconnecting(this.env, this.ids(s));
  }

  status(): { status: LiveStatus | 'disabled' | 'deleted'; disabled: boolean } {
    const s = this.state();
    if (s.deleted) return { status: 'deleted', disabled: true };
    return { status: s.disabled ? 'disabled' : s.status, disabled: s.disabled === 1 };
  }

  /** Refuses publishers from now on and ends a live session at once (the agent drops the publisher). */
  async disable(streamId: string, appId: string): Promise<void> {
    this.set({ stream_id: streamId, app_id: appId, disabled: 1 });
    if (this.state().status !== 'idle') await this.endSession();
  }

  enable(): void {
    this.set({ disabled: 0 });
  }

  /** The stream was deleted: nothing is accepted again; a live session ends without events. */
  async remove(): Promise<void> {
    const s = this.state();
    this.set({ deleted: 1, disabled: 1, status: 'idle', reconnect_deadline: null });
    await this.ctx.storage.deleteAlarm();
    if (s.session_id) this.log.forgetOtherSessions('');
  }

  override async alarm(): Promise<void> {
    const s = this.state();
    const now = Date.now();
    if (s.status === 'reconnecting' && s.reconnect_deadline != null && s.reconnect_deadline <= now) {
      await this.endSession();
      return;
    }
    if (s.status === 'active' && s.last_activity_at != null && s.last_activity_at + STALL_MS <= now) {
      await this.enterReconnecting(s);
      return;
    }
    await this.schedule();
  }

  /** One alarm serves both timers: the reconnect deadline, or the stall check while active. */
  private async schedule() {
    const s = this.state();
    const at =
      s.status === 'reconnecting'
        ? s.reconnect_deadline
        : s.status === 'active' && s.last_activity_at != null
          ? s.last_activity_at + STALL_MS
          : null;
    if (at == null) await this.ctx.storage.deleteAlarm();
    else await this.ctx.storage.setAlarm(at);
  }

  /** The session is over: idle, the recording written (if on), the mirror and webhooks told. */
  private async endSession() {
    const s = this.state();
    const now = Date.now();
    this.set({ status: 'idle', reconnect_deadline: null });
    await this.schedule();
    if (!s.session_id || !s.stream_id) return;
    const cfg = this.config(s);
    const recording = cfg.recording ? await this.writeRecording(s.stream_id, s.session_id, cfg) : null;
    await mirror.sessionEnded(this.env, this.ids(s), { endedAt: now, recording });
  }

  /**
   * A VOD playlist per rendition over every segment of the session, and a master over them. All
   * text is rendered before the first await: a new publish may clear these rows meanwhile.
   */
  private async writeRecording(
    streamId: string,
    sessionId: string,
    cfg: StreamConfig,
  ): Promise<mirror.RecordingResult> {
    const present = new Set(this.log.renditionsWithAny(sessionId));
    const renditions = cfg.ladder.filter((r) => present.has(r));
    const nominal = SEGMENT_SECONDS[cfg.latencyMode];
    const files = renditions.map((r) => ({
      key: recordingKey(streamId, sessionId, r),
      text: renderMediaPlaylist({
        segments: this.log.all(sessionId, r),
        mediaSequence: 0,
        discontinuitySequence: 0,
        nominalDuration: nominal,
        kind: 'vod',
        uri: (seg) => `${r}/${seg.sequence}.ts`,
        keyUri: cfg.encryption ? KEY_URI : undefined,
      }),
    }));
    if (renditions.length) {
      const variants = this.variants(sessionId, renditions).map((v) => ({
        ...v,
        uri: `${sessionId}/${v.rendition}.m3u8`,
      }));
      files.push({ key: recordingMasterKey(streamId, sessionId), text: renderMasterPlaylist(variants) });
    }
    const first = renditions[0];
    const durationS = first ? Math.round(this.log.durationOf(sessionId, first) * 1000) / 1000 : 0;
    await Promise.all(
      files.map((f) => this.env.MEDIA.put(f.key, f.text, { httpMetadata: { contentType: PLAYLIST_TYPE } })),
    );
    return { durationS, renditions };
  }

  /** BANDWIDTH and friends as the origin measured them, else estimated from the segment sizes. */
  private variants(sessionId: string, renditions: readonly string[]) {
    const reported = new Map(
      this.sql
        .exec<{
          name: string;
          bandwidth: number;
          average_bandwidth: number | null;
          resolution: string | null;
          codecs: string | null;
          frame_rate: number | null;
        }>(
          'SELECT name, bandwidth, average_bandwidth, resolution, codecs, frame_rate FROM renditions WHERE session_id = ?',
          sessionId,
        )
        .toArray()
        .map((r) => [r.name, r]),
    );
    return renditions.map((rendition) => {
      const r = reported.get(rendition);
      if (r)
        return {
          rendition,
          bandwidth: r.bandwidth,
          averageBandwidth: r.average_bandwidth,
          resolution: r.resolution,
          codecs: r.codecs,
          frameRate: r.frame_rate,
        };
      const m = this.log.measuredBandwidth(sessionId, rendition);
      return {
        rendition,
        bandwidth: Math.ceil(m.peak),
        averageBandwidth: Math.ceil(m.average) || null,
        resolution: null,
        codecs: null,
        frameRate: null,
      };
    });
  }

  /** The live variants: renditions with at least one listed segment. Null when nothing is live. */
  master(): MasterInfo | null {
    const s = this.state();
    if (s.deleted || s.disabled || s.status === 'idle' || !s.session_id) return null;
    const cfg = this.config(s);
    const now = Date.now();
    for (const r of cfg.ladder) this.log.advance(s.session_id, r, now, gapWaitMs(cfg.latencyMode));
    const listed = this.log.renditionsWithListed(s.session_id);
    const renditions = cfg.ladder.filter((r) => listed.has(r));
    if (!renditions.length) return null;
    return { sessionId: s.session_id, variants: this.variants(s.session_id, renditions) };
  }

  /**
   * The media playlist of the live (or just ended) session; null for any other session, whose
   * recording (if any) the Worker serves from R2.
   */
  mediaPlaylist(sessionId: string, rendition: string): string | null {
    const s = this.state();
    if (s.deleted || s.session_id !== sessionId || !s.config) return null;
    const cfg = this.config(s);
    if (!cfg.ladder.includes(rendition as never)) return null;
    if (s.status !== 'idle') this.log.advance(sessionId, rendition, Date.now(), gapWaitMs(cfg.latencyMode));
    const w = this.log.window(sessionId, rendition, windowCount(cfg.latencyMode));
    return renderMediaPlaylist({
      ...w,
      nominalDuration: SEGMENT_SECONDS[cfg.latencyMode],
      kind: s.status === 'idle' ? 'ended' : 'live',
      uri: (seg) => `${rendition}/${seg.sequence}.ts`,
      keyUri: cfg.encryption ? KEY_URI : undefined,
    });
  }
}
