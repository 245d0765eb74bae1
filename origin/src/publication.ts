import { link, mkdir, open, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { PublishAnswer } from '@edgelive/shared/origin-protocol';
import { HEALTH } from '@edgelive/shared/stream-health';
import { sleep } from './backoff.ts';
import { buildFfmpegArgs } from './ffmpeg-command.ts';
import { FfmpegSupervisor } from './ffmpeg-supervisor.ts';
import { probeFrames } from './frame-probe.ts';
import { HealthSampler } from './health-sampler.ts';
import { parseMediaPlaylist } from './hls-playlist.ts';
import { writeKeyInfo } from './key-info.ts';
import { type InputInfo, type Rung, resolveLadder } from './ladder.ts';
import { LlParts, partDurationFor } from './ll-parts.ts';
import type { Logger } from './log.ts';
import type { OriginMetrics } from './metrics.ts';
import type { AssembledSegment } from './part-assembler.ts';
import { probeInput, probeSegment } from './probe.ts';
import { ProgramInputs } from './program-inputs.ts';
import { RenditionMeter } from './rendition-meter.ts';
import { decryptSegment, firstVideoPts, segmentPdt } from './segment-clock.ts';
import { type SimulcastPushes, simulcastForSession } from './simulcast-pushes.ts';
import type { UploadQueue } from './upload-queue.ts';
import type { WorkerClient, WorkerHttpError } from './worker-client.ts';

export interface PublicationDeps {
  client: WorkerClient;
  queue: UploadQueue;
  log: Logger;
  /** Where the local NGINX-RTMP serves the stream to the agent, e.g. rtmp://127.0.0.1:19350/live */
  rtmpBase: string;
  workDir: string;
  /** Asks NGINX to drop this stream's publisher (its on_publish_done then ends the publication). */
  dropPublisher: (localName: string) => Promise<void>;
  timings: PublicationTimings;
  /** The origin's Prometheus metrics (issue 16), when it keeps them. */
  metrics?: OriginMetrics;
}

export interface PublicationTimings {
  playlistPollMs: number;
  statusPollMs: number;
  thumbnailIntervalS: number;
  /** How long the end of a publication waits for its last uploads before saying publish-done. */
  drainTimeoutMs: number;
  /** How often the session's health sample goes to the Worker (default HEALTH.sampleMs). */
  healthSampleMs?: number;
}

type State = 'starting' | 'live' | 'stopping' | 'ended';

/**
 * One publisher's stay on this origin, from on_publish to on_publish_done: probes the input, runs
 * the supervised FFmpeg ladder, feeds finished segments to the upload queue, measures renditions,
 * sends thumbnails, polls the stream's status, and finally says publish-done once the last segment
 * is safe. The stream is known to NGINX by its id (the agent renamed it), never by its key.
 */
export class Publication {
  readonly answer: PublishAnswer;
  readonly clientId: string;
  private readonly deps: PublicationDeps;
  private readonly log: Logger;
  private readonly dir: string;
  private state: State = 'starting';
  private readonly ended: Promise<void>;
  private resolveEnded!: () => void;
  private supervisor: FfmpegSupervisor | null = null;
  /** The session's health samples for the Worker (health-sampler.ts). */
  private health: HealthSampler | null = null;
  /** Pushes to the stream's simulcast targets, beside (and independent of) the HLS ladder. */
  private simulcast: SimulcastPushes | null = null;
  private rungs: Rung[] = [];
  private input: InputInfo | null = null;
  /** FFmpeg's key info file when the session is encrypted. */
  private keyInfoFile: string | null = null;
  /** Next sequence expected per rendition; the session's numbering continues from their maximum. */
  private readonly nextByRendition = new Map<string, number>();
  private readonly discontinuityPending = new Set<string>();
  private readonly meters = new Map<string, RenditionMeter>();
  private readonly probing = new Set<string>();
  /** Measurements in flight; the end waits for them so a short session's recording gets their figures. */
  private readonly measuring = new Set<Promise<void>>();
  private nextSequenceFloor: number;
  private timers: NodeJS.Timeout[] = [];
  private thumbMtime = 0;
  private scanning = false;
  /** Aborted when the publication ends: stops its retried Worker calls. */
  private readonly over = new AbortController();
  /** Wall clock of on_publish: the publisher's media time 0 (segment-clock.ts). */
  private readonly publishedAtMs: number;
  /** The local NGINX name of the input feeding the ladder (the program), and how many cuts so far. */
  private source: string;
  private cuts = 0;
  /** The stream's connected inputs on this origin and which one is on air (program-inputs.ts). */
  readonly inputs: ProgramInputs;
  /** LL-HLS parts (`low` mode, unencrypted: parts cannot carry the whole-segment AES-128). */
  private readonly ll: LlParts | null;

  constructor(
    deps: PublicationDeps,
    answer: PublishAnswer,
    clientId: string,
    startSequence: number,
    publishedAtMs: number = Date.now(),
  ) {
    this.deps = deps;
    this.answer = answer;
    this.clientId = clientId;
    this.nextSequenceFloor = startSequence;
    this.publishedAtMs = publishedAtMs;
    this.log = (level, message, fields) =>
      deps.log(level, message, { stream: answer.stream_id, session: answer.session_id, ...fields });
    this.dir = path.join(deps.workDir, answer.stream_id, answer.session_id);
    this.ended = new Promise((resolve) => (this.resolveEnded = resolve));
    this.source = answer.input_id ?? answer.stream_id;
    this.inputs = new ProgramInputs(
      {
        client: deps.client,
        rtmpBase: deps.rtmpBase,
        dir: this.dir,
        log: this.log,
        pollMs: Math.min(1000, deps.timings.statusPollMs),
      },
      this,
      answer.program_input_id ?? this.source,
    );
    if (answer.input_id) this.inputs.add(answer.input_id, clientId);
    this.ll =
      answer.latency_mode === 'low' && !answer.encryption
        ? new LlParts({
            client: deps.client,
            streamId: answer.stream_id,
            sessionId: answer.session_id,
            dir: this.dir,
            segmentDurationS: answer.segment_duration_s,
            log: this.log,
            sequences: (name) => ({
              next: () => this.nextByRendition.get(name) ?? this.nextSequence,
              take: (n) => this.nextByRendition.set(name, n),
            }),
          })
        : null;
  }

  get sessionId(): string {
    return this.answer.session_id;
  }

  get sourceName(): string | null {
    return this.state === 'live' && this.supervisor ? this.source : null;
  }

  get streamId(): string {
    return this.answer.stream_id;
  }

  get localName(): string {
    return this.source;
  }

  get isEnding(): boolean {
    return this.state === 'stopping' || this.state === 'ended';
  }

  /** The first sequence number a later publication of this session must use. */
  get nextSequence(): number {
    return Math.max(this.nextSequenceFloor, ...this.nextByRendition.values());
  }

  get ffmpegPid(): number | null {
    return this.supervisor?.pid ?? null;
  }

  get ffmpegRestarts(): number {
    return this.supervisor?.restarts ?? 0;
  }

  whenEnded(): Promise<void> {
    return this.ended;
  }

  async start(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    this.keyInfoFile = await writeKeyInfo(this.dir, this.answer.encryption ?? null);
    const url = `${this.deps.rtmpBase}/${this.localName}`;
    this.input = await this.probeWithRetry(url);
    if (!this.input || this.state !== 'starting') {
      if (!this.input) await this.stop('input_unreadable');
      return;
    }
    const input = this.input;
    this.rungs = resolveLadder(this.answer.ladder, input);
    // Retried like the segments: a Worker away right now must not leave the session without its input.
    void this.deps.queue.retry(
      'report input',
      () =>
        this.deps.client.reportInput(this.streamId, this.answer.session_id, {
          video_codec: input.videoCodec,
          audio_codec: input.audioCodec,
          width: input.width,
          height: input.height,
          frame_rate: input.frameRate,
          bitrate_kbps: input.bitrateKbps,
          renditions: this.rungs.map((r) => r.name),
        }),
      {
        signal: this.over.signal,
        onRefused: (err) => this.refused('report input', err),
        fields: { stream: this.streamId, session: this.answer.session_id },
      },
    );
    for (const r of this.rungs) {
      this.meters.set(r.name, new RenditionMeter());
      if (this.answer.resumed) this.discontinuityPending.add(r.name);
    }
    this.log('info', 'pipeline starting', {
      input: `${input.videoCodec}/${input.audioCodec ?? 'none'} ${input.width}x${input.height}@${input.frameRate}`,
      rungs: this.rungs.map((r) => r.name + (r.videoCopy ? '(copy)' : '')).join(','),
      start_sequence: this.nextSequence,
    });

    this.state = 'live';
    this.startHealth();
    this.startLadder(input);
    this.inputs.start();
    // A part is worth something only for a second: its playlist is read every 50 ms.
    const poll = this.ll ? Math.min(50, this.deps.timings.playlistPollMs) : this.deps.timings.playlistPollMs;
    this.every(poll, () => this.scan());
    this.every(this.deps.timings.statusPollMs, () => this.pollStatus());
    // FFmpeg refreshes thumb.jpg every thumbnailIntervalS; checking each second sends it soon after.
    this.every(1000, () => this.sendThumbnail());
  }

  /** The ladder and the simulcast pushes, fed by the program input; a cut marks a discontinuity. */
  private startLadder(input: InputInfo): void {
    const url = `${this.deps.rtmpBase}/${this.source}`;
    const cut = this.cuts > 0;
    this.supervisor = new FfmpegSupervisor({
      log: this.log,
      args: (restart) => {
        // A new FFmpeg (a restart, or a cut to another input) starts its timestamps over: the player must be told.
        if (restart > 0 || cut) for (const r of this.rungs) this.discontinuityPending.add(r.name);
        if (restart > 0) this.deps.metrics?.ffmpegRestarts.inc();
        const startNumber = this.nextSequence;
        for (const r of this.rungs) this.nextByRendition.set(r.name, startNumber);
        return buildFfmpegArgs({
          inputUrl: url,
          outputDir: this.dir,
          latencyMode: this.answer.latency_mode,
          segmentDurationS: this.answer.segment_duration_s,
          // With parts, FFmpeg numbers part files; the agent numbers the segments it makes of them.
          startNumber: this.ll ? this.ll.newRun() : startNumber,
          partDurationS: this.ll ? partDurationFor(this.answer.segment_duration_s) : undefined,
          frameRate: input.frameRate,
          hasAudio: input.audioCodec !== null,
          rungs: this.rungs,
          thumbnailIntervalS: this.deps.timings.thumbnailIntervalS,
          keyInfoFile: this.keyInfoFile ?? undefined,
        });
      },
    });
    this.supervisor.start();
    this.simulcast = simulcastForSession(
      this.deps.client,
      this.streamId,
      this.answer.session_id,
      url,
      this.log,
      this.deps.timings.statusPollMs,
    );
    this.simulcast.start();
  }

  /**
   * Cuts the program to another input (program-inputs.ts): the running FFmpeg is asked to stop
   * (SIGTERM flushes its last segment), what it wrote is queued, and a new one continues the
   * numbering from the new input, after a discontinuity. Same session, same playlists. The rungs
   * and encoding settings stay those of the first input.
   */
  async switchSource(localName: string): Promise<void> {
    if (this.state !== 'live') return;
    await this.pauseSource();
    this.source = localName;
    this.cuts++;
    if (this.state === 'live' && this.input) this.startLadder(this.input);
  }

  /** The on-air input left while others stay: nothing feeds the ladder until the next cut. */
  async pauseSource(): Promise<void> {
    const supervisor = this.supervisor;
    this.supervisor = null;
    await Promise.all([supervisor?.stop(0), this.simulcast?.stop()]);
    this.simulcast = null;
    await this.scan(true);
  }

  /** The Worker stored one of our segments: upload lag for the health sample (ms, when known). */
  segmentUploaded(rendition: string, sequence: number): number | null {
    return this.health?.segmentUploaded(rendition, sequence) ?? null;
  }

  private startHealth(): void {
    const metrics = this.deps.metrics;
    this.health = new HealthSampler({
      sourceRendition: this.rungs[0]?.name ?? 'source',
      intervalMs: this.deps.timings.healthSampleMs ?? HEALTH.sampleMs,
      restarts: () => this.ffmpegRestarts,
      post: (sample) => this.deps.client.postHealth(this.streamId, this.answer.session_id, sample),
      // An encrypted session's segments need decrypting first: not worth it for a frame count.
      probe: this.answer.encryption ? null : probeFrames,
      sampleFile: path.join(this.dir, 'health-probe.ts'),
      log: this.log,
      onSent: (ok) => metrics?.healthSamples.inc({ result: ok ? 'sent' : 'failed' }),
    });
    this.health.start();
  }

  /** The Worker wants this stream gone (disabled, session ended): drop the publisher, which ends us. */
  async stop(reason: string): Promise<void> {
    if (this.isEnding) return;
    this.log('info', 'stopping pipeline and dropping the publisher', { reason });
    this.over.abort();
    await this.deps.queue.discardSession(this.answer.session_id);
    this.state = 'stopping';
    const names = this.inputs.size ? this.inputs.localNames() : [this.localName];
    for (const name of names)
      await this.deps
        .dropPublisher(name)
        .catch((err: unknown) => this.log('error', 'could not drop publisher', { reason: String(err) }));
  }

  /** The publisher left (on_publish_done): flush, upload what is left, then tell the Worker. */
  async end(): Promise<void> {
    if (this.state === 'ended') return this.ended;
    const stoppedByWorker = this.state === 'stopping';
    this.state = 'ended';
    this.over.abort();
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    this.health?.stop();
    await this.inputs.stop();
    await this.supervisor?.stop();
    await this.simulcast?.stop();
    await this.scan(true);
    await Promise.race([this.ll?.settled(), sleep(2000)]);
    const drained = await this.deps.queue.drainSession(this.answer.session_id, this.deps.timings.drainTimeoutMs);
    if (!drained) this.log('warn', 'publish-done sent before every segment was uploaded');
    await Promise.race([Promise.all(this.measuring), sleep(this.deps.timings.drainTimeoutMs)]);
    if (!stoppedByWorker) {
      for (let attempt = 0; attempt < 5; attempt++) {
        try {
          await this.deps.client.publishDone(this.streamId, this.answer.session_id);
          break;
        } catch (err) {
          this.log('warn', 'publish-done failed', { attempt: attempt + 1, reason: String(err) });
          await sleep(500 * 2 ** attempt);
        }
      }
    }
    // Segments still waiting stay on disk with their manifests: the queue (or the next run of
    // the agent) uploads them, and deletes each once the Worker has it.
    if (drained) await rm(this.dir, { recursive: true, force: true });
    this.log('info', 'publication ended', { next_sequence: this.nextSequence });
    this.resolveEnded();
  }

  private async probeWithRetry(url: string): Promise<InputInfo | null> {
    for (let attempt = 0; attempt < 4 && this.state === 'starting'; attempt++) {
      // NGINX exposes the stream only once our on_publish answer is processed.
      await sleep(attempt === 0 ? 200 : 1000);
      try {
        return await probeInput(url);
      } catch (err) {
        this.log('warn', 'input probe failed', {
          attempt: attempt + 1,
          reason: err instanceof Error ? (err.message.split('\n')[0] ?? '') : String(err),
        });
      }
    }
    return null;
  }

  /** Reads each rendition's playlist and hands every newly listed segment to the upload queue. */
  private async scan(final = false): Promise<void> {
    if (this.scanning) {
      if (!final) return;
      while (this.scanning) await sleep(10);
    }
    this.scanning = true;
    try {
      for (const r of this.rungs) await this.scanRendition(r.name);
      // An FFmpeg that stopped leaves each rendition's last segment open: it is complete now.
      if (final) await this.ll?.flush((name, seg) => this.listAssembled(name, seg));
    } finally {
      this.scanning = false;
    }
  }

  private async scanRendition(name: string): Promise<void> {
    const dir = path.join(this.dir, name);
    let text: string;
    try {
      text = await readFile(path.join(dir, 'index.m3u8'), 'utf8');
    } catch {
      return; // not written yet
    }
    if (this.ll) return this.ll.scan(name, text, (seg) => this.listAssembled(name, seg));
    const next = this.nextByRendition.get(name) ?? 0;
    for (const seg of parseMediaPlaylist(text).segments) {
      if (seg.sequence < next) continue;
      this.nextByRendition.set(name, seg.sequence + 1);
      await this.listSegment(name, seg, true);
    }
  }

  /** A segment made of parts: after a restart only the run's first segment is the discontinuity. */
  private listAssembled(name: string, seg: AssembledSegment): Promise<void> {
    return this.listSegment(name, seg, seg.startsRun);
  }

  private async listSegment(
    name: string,
    seg: { sequence: number; uri: string; durationS: number; programDateTime: string | null },
    mayBreak: boolean,
  ): Promise<void> {
    const filePath = path.join(this.dir, name, seg.uri);
    let bytes: number;
    try {
      bytes = (await stat(filePath)).size;
    } catch {
      return;
    }
    // Unreadable timestamps cost only precision: FFmpeg's own stamp stands in.
    const pts = await this.firstPts(filePath, seg.sequence).catch(() => null);
    const discontinuity = mayBreak && this.discontinuityPending.delete(name);
    const meter = this.meters.get(name);
    meter?.addSegment(bytes, seg.durationS);
    this.deps.metrics?.segmentsListed.inc({ rendition: name });
    this.deps.metrics?.segmentBytes.observe({ rendition: name }, bytes);
    await this.health?.segmentListed(name, seg.sequence, bytes, seg.durationS, filePath);
    // A second name for the file, taken before the queue may delete it once uploaded: the
    // measurement runs beside the uploads instead of holding back every rung's first segment.
    const sample =
      meter && !meter.media && !this.probing.has(name) ? await this.sampleOf(name, filePath, seg.sequence) : null;
    this.deps.queue.enqueue({
      streamId: this.streamId,
      sessionId: this.answer.session_id,
      rendition: name,
      sequence: seg.sequence,
      durationS: seg.durationS,
      programDateTime: segmentPdt(this.publishedAtMs, pts, seg.programDateTime),
      discontinuity,
      filePath,
      bytes,
    });
    if (sample && meter) this.track(this.measure(name, meter, sample));
    else if (meter) this.reportRendition(name, meter);
  }

  /** The segment's first video PTS, from its first few packets (decrypted first when the session is). */
  private async firstPts(filePath: string, sequence: number): Promise<number | null> {
    const fh = await open(filePath, 'r');
    try {
      const { buffer, bytesRead } = await fh.read(Buffer.alloc(64 * 1024), 0, 64 * 1024, 0);
      const head = buffer.subarray(0, bytesRead);
      const key = this.answer.encryption?.key_hex;
      return firstVideoPts(key ? decryptSegment(head, key, sequence, false) : head);
    } finally {
      await fh.close();
    }
  }

  /** A copy of the segment for measuring: a hard link, or the clear text of an encrypted one. */
  private async sampleOf(name: string, filePath: string, sequence: number): Promise<string | null> {
    this.probing.add(name);
    const sample = path.join(this.dir, `${name}-${sequence}.sample.ts`);
    try {
      const key = this.answer.encryption?.key_hex;
      if (key) await writeFile(sample, decryptSegment(await readFile(filePath), key, sequence, true));
      else await link(filePath, sample);
      return sample;
    } catch (err) {
      this.probing.delete(name);
      this.log('warn', 'could not keep a segment to measure', { rendition: name, reason: String(err) });
      return null;
    }
  }

  /** Measures a rendition from its sample (ffprobe + ffmpeg, a second or so), then reports it. */
  private async measure(name: string, meter: RenditionMeter, sample: string): Promise<void> {
    try {
      const media = await probeSegment(sample);
      // The Worker needs a positive frame rate; an unreadable one falls back to the input's.
      meter.media = { ...media, frameRate: media.frameRate || (this.input?.frameRate ?? 30) };
    } catch (err) {
      this.log('warn', 'could not measure rendition', { rendition: name, reason: String(err) });
    } finally {
      this.probing.delete(name);
      await rm(sample, { force: true });
    }
    if (meter.media) this.reportRendition(name, meter);
  }

  private track(p: Promise<void>): void {
    this.measuring.add(p);
    void p.finally(() => this.measuring.delete(p));
  }

  private reportRendition(name: string, meter: RenditionMeter): void {
    const report = meter.takeReport();
    if (!report) return;
    this.attempt(`report rendition ${name}`, () =>
      this.deps.client.putRendition(this.streamId, this.answer.session_id, name, report),
    ).then((ok) => {
      if (!ok) meter.forgetReport();
    });
  }

  private async pollStatus(): Promise<void> {
    try {
      const status = await this.deps.client.status(this.streamId);
      if (status.disabled) await this.stop('stream_disabled');
    } catch (err) {
      this.log('debug', 'status poll failed', { reason: String(err) });
    }
  }

  private async sendThumbnail(): Promise<void> {
    const file = path.join(this.dir, 'thumb.jpg');
    try {
      const info = await stat(file);
      if (info.mtimeMs === this.thumbMtime) return;
      this.thumbMtime = info.mtimeMs;
      const jpeg = await readFile(file);
      await this.attempt('thumbnail', () =>
        this.deps.client.postThumbnail(this.streamId, this.answer.session_id, jpeg),
      );
    } catch {
      // No thumbnail yet; the next tick tries again.
    }
  }

  /** Runs one best-effort Worker call; a 409 stop code stops the pipeline. True when it succeeded. */
  private async attempt(what: string, call: () => Promise<void>): Promise<boolean> {
    try {
      await call();
      return true;
    } catch (err) {
      const code = typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : '';
      if (code === 'stream_disabled' || code === 'session_ended') void this.stop(code);
      else this.log('warn', `${what} failed`, { reason: err instanceof Error ? err.message : String(err) });
      return false;
    }
  }

  /** A retried call the Worker refused for good: a stop code stops the pipeline, anything else is logged. */
  private refused(what: string, err: WorkerHttpError): void {
    if (err.code === 'stream_disabled' || err.code === 'session_ended') void this.stop(err.code);
    else this.log('error', `${what} refused`, { status: err.status, code: err.code });
  }

  private every(ms: number, fn: () => Promise<void>): void {
    const t = setInterval(() => void fn(), ms);
    this.timers.push(t);
  }
}
