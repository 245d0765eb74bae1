import { mkdir, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { PublishAnswer } from '@edgelive/shared/origin-protocol';
import { HEALTH } from '@edgelive/shared/stream-health';
import { sleep } from './backoff.ts';
import { probeFrames } from './frame-probe.ts';
import { HealthSampler } from './health-sampler.ts';
import { InputLadder, type LadderSegment } from './input-ladder.ts';
import { InputPreviews, previewRung } from './input-previews.ts';
import { writeKeyInfo } from './key-info.ts';
import { type InputInfo, type Rung, resolveLadder } from './ladder.ts';
import type { Logger } from './log.ts';
import type { OriginMetrics } from './metrics.ts';
import { type AssembledPart, partDurationFor } from './part-assembler.ts';
import { probeInput } from './probe.ts';
import { ProgramInputs } from './program-inputs.ts';
import { RenditionMeasures, segmentFirstPts } from './rendition-measures.ts';
import { encryptSegment, segmentPdt } from './segment-clock.ts';
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

/** How often the Worker's program is read while several inputs are connected: half of a cut's delay budget. */
const PROGRAM_POLL_MS = 500;

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
  /** Every connected input's ladder, warm (input-ladder.ts); the program's segments are the ones taken. */
  private readonly ladders = new Map<string, InputLadder>();
  /** Ladders being started (their input probed), so a cut to a just-connected input can wait for it. */
  private readonly warming = new Map<string, Promise<void>>();
  private laddersStarted = 0;
  /** Inputs whose segments were ever taken (their ladder's files may be in the upload queue). */
  private readonly tookFrom = new Set<string>();
  /** The session's health samples for the Worker (health-sampler.ts). */
  private health: HealthSampler | null = null;
  /** Pushes to the stream's simulcast targets, beside (and independent of) the HLS ladder. */
  private simulcast: SimulcastPushes | null = null;

  /** Each simulcast target's state now (the agent's metrics read it when scraped). */
  simulcastStatuses() {
    return this.simulcast?.targetStatuses ?? [];
  }
  private rungs: Rung[] = [];
  /** The rung every input's preview plays, and its uploads (input-previews.ts). */
  private previewRungName: string | null = null;
  private readonly previews: InputPreviews;
  private input: InputInfo | null = null;
  /** The input the session's previous publication ran on (the agent passes it only for a resumed session). */
  private readonly remembered: InputInfo | null;
  /** FFmpeg's key info file when the session is encrypted. */
  private keyInfoFile: string | null = null;
  /** The session's next sequence per rendition; the session's numbering continues from their maximum. */
  private readonly nextByRendition = new Map<string, number>();
  private readonly discontinuityPending = new Set<string>();
  private readonly measures: RenditionMeasures;
  private nextSequenceFloor: number;
  private timers: NodeJS.Timeout[] = [];
  /** Last thumbnail sent per ladder (file mtime). */
  private readonly thumbMtimes = new Map<string, number>();
  private scanning: Promise<void> | null = null;
  /** Aborted when the publication ends: stops its retried Worker calls. */
  private readonly over = new AbortController();
  /** Wall clock of on_publish: the publisher's media time 0 (segment-clock.ts). */
  private publishedAtMs: number;
  /** The local NGINX name of the input on air (the program; null while none is), and how many cuts so far. */
  private source: string | null;
  private cuts = 0;
  /** The stream's connected inputs on this origin and which one is on air (program-inputs.ts). */
  readonly inputs: ProgramInputs;
  /** LL-HLS parts (`low` mode), and the part uploads in flight. */
  private readonly lowLatency: boolean;
  private readonly partUploads = new Set<Promise<void>>();

  constructor(
    deps: PublicationDeps,
    answer: PublishAnswer,
    clientId: string,
    startSequence: number,
    publishedAtMs: number = Date.now(),
    remembered: InputInfo | null = null,
  ) {
    this.remembered = remembered;
    this.deps = deps;
    this.answer = answer;
    this.clientId = clientId;
    this.nextSequenceFloor = startSequence;
    this.publishedAtMs = publishedAtMs;
    this.log = (level, message, fields) =>
      deps.log(level, message, { stream: answer.stream_id, session: answer.session_id, ...fields });
    this.dir = path.join(deps.workDir, answer.stream_id, answer.session_id);
    this.lowLatency = answer.latency_mode === 'low';
    this.ended = new Promise((resolve) => (this.resolveEnded = resolve));
    this.source = answer.input_id ?? answer.stream_id;
    this.measures = new RenditionMeasures({
      dir: this.dir,
      keyHex: answer.encryption?.key_hex ?? null,
      fallbackFrameRate: () => this.input?.frameRate ?? 30,
      log: this.log,
      report: (name, report) =>
        this.attempt(`report rendition ${name}`, () =>
          deps.client.putRendition(this.streamId, this.answer.session_id, name, report),
        ),
    });
    this.previews = new InputPreviews({
      keyHex: answer.encryption?.key_hex ?? null,
      log: this.log,
      send: (inputId, local, durationS, ts) =>
        deps.client.putInputPreview(this.streamId, this.answer.session_id, inputId, local, durationS, ts),
    });
    this.inputs = new ProgramInputs(
      {
        client: deps.client,
        log: this.log,
        pollMs: Math.min(PROGRAM_POLL_MS, deps.timings.statusPollMs),
      },
      this,
      answer.program_input_id ?? this.source,
    );
    if (answer.input_id) this.inputs.add(answer.input_id, clientId);
  }

  get sessionId(): string {
    return this.answer.session_id;
  }

  get sourceName(): string | null {
    return this.state === 'live' && this.source && this.ladders.has(this.source) ? this.source : null;
  }

  get streamId(): string {
    return this.answer.stream_id;
  }

  /** The first input's local name (the stream's own key, or its first input). */
  get localName(): string {
    return this.answer.input_id ?? this.answer.stream_id;
  }

  get isEnding(): boolean {
    return this.state === 'stopping' || this.state === 'ended';
  }

  /** The first sequence number a later publication of this session must use. */
  get nextSequence(): number {
    return Math.max(this.nextSequenceFloor, ...this.nextByRendition.values());
  }

  /** The program ladder's FFmpeg. */
  get ffmpegPid(): number | null {
    return this.source ? (this.ladders.get(this.source)?.pid ?? null) : null;
  }

  get ffmpegRestarts(): number {
    let n = 0;
    for (const l of this.ladders.values()) n += l.restarts;
    return n;
  }

  /**
   * The publisher was told to go ahead only now (its ladder was started first, agent.ts): its media
   * time 0 is now, not when it asked, so segments are dated from here (segment-clock.ts).
   */
  publisherAnswered(atMs: number): void {
    this.publishedAtMs = atMs;
    const ladder = this.ladders.get(this.localName);
    if (ladder) ladder.publishedAtMs = atMs;
  }

  whenEnded(): Promise<void> {
    return this.ended;
  }

  async start(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    this.keyInfoFile = await writeKeyInfo(this.dir, this.answer.encryption ?? null);
    const url = `${this.deps.rtmpBase}/${this.localName}`;
    // A publisher back within the reconnect window is taken to send what it sent before: its ladder
    // starts on the input the last publication probed, and the probe runs beside it
    // (checkRemembered). The probe is the larger part of the time from reconnect to first segment.
    const remembered = this.remembered;
    this.input = remembered ?? (await this.probeWithRetry(url, () => this.state === 'starting'));
    if (!this.input || this.state !== 'starting') {
      if (!this.input) await this.stop('input_unreadable');
      return;
    }
    const input = this.input;
    this.rungs = resolveLadder(this.answer.ladder, input);
    this.previewRungName = previewRung(this.rungs)?.name ?? null;
    this.reportInput(input);
    for (const r of this.rungs) {
      this.measures.add(r.name);
      if (this.answer.resumed) this.discontinuityPending.add(r.name);
    }
    this.log('info', 'pipeline starting', {
      input: describeInput(input),
      probed: remembered ? 'remembered' : 'now',
      rungs: this.rungs.map((r) => r.name + (r.videoCopy ? '(copy)' : '')).join(','),
      start_sequence: this.nextSequence,
    });

    this.state = 'live';
    this.startHealth();
    await this.startLadder(this.localName, input, this.publishedAtMs);
    if (remembered) void this.checkRemembered(url, remembered);
    this.restartSimulcast();
    // Inputs that connected while the first one was probed.
    for (const name of this.inputs.localNames()) void this.warm(name);
    this.inputs.start();
    // A part is worth something only for a second: with parts the playlists are read every 50 ms.
    const poll = this.lowLatency ? Math.min(50, this.deps.timings.playlistPollMs) : this.deps.timings.playlistPollMs;
    this.every(poll, () => this.scan());
    this.every(this.deps.timings.statusPollMs, () => this.pollStatus());
    this.every(1000, () => this.sendThumbnail());
  }

  /**
   * The probe of a reconnected publisher, run after its ladder started on the remembered input.
   * The same shape: nothing to do. Another frame rate or size with the same rungs: the ladder
   * restarts on the new input (a discontinuity, as after any FFmpeg restart). Rungs that would
   * change (another codec, or a size that moves a rung): the rungs were reported for the session,
   * so the publisher is dropped; the agent then remembers the new input, and the publisher's next
   * connect (encoders reconnect by themselves) starts on it.
   */
  private async checkRemembered(url: string, remembered: InputInfo): Promise<void> {
    const probed = await this.probeWithRetry(url, () => this.state === 'live');
    if (!probed || this.state !== 'live' || sameShape(probed, remembered)) return;
    this.input = probed;
    const rungs = resolveLadder(this.answer.ladder, probed);
    const sameRungs = rungs.map(rungKey).join() === this.rungs.map(rungKey).join();
    this.log('warn', 'the reconnected input differs from the last one', {
      was: describeInput(remembered),
      now: describeInput(probed),
      action: sameRungs ? 'ladder restarted' : 'publisher dropped',
    });
    if (!sameRungs) {
      // Not stop(): that is the Worker's ending and throws the queued segments away. Dropping the
      // publisher ends this publication the ordinary way (uploads drained, publish-done sent).
      await this.deps
        .dropPublisher(this.localName)
        .catch((err: unknown) => this.log('error', 'could not drop publisher', { reason: String(err) }));
      return;
    }
    this.reportInput(probed);
    await this.cool(this.localName);
    for (const r of this.rungs) this.discontinuityPending.add(r.name);
    await this.startLadder(this.localName, probed, Date.now());
  }

  /** The input this publication runs on (the agent remembers it for the session's next publisher). */
  get inputInfo(): InputInfo | null {
    return this.input;
  }

  /** Tells the Worker what the session's input is and which rungs it gets. */
  private reportInput(input: InputInfo): void {
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
  }

  /** Starts an input's ladder; its segments are taken while it is the program, discarded otherwise. */
  private async startLadder(name: string, info: InputInfo, publishedAtMs: number): Promise<void> {
    // A directory per ladder run: an input that reconnects must not write over segments still queued.
    const dir = path.join(this.dir, 'in', `${name}-${++this.laddersStarted}`);
    const ladder = new InputLadder(name, dir, info, publishedAtMs, this.nextSequence, {
      rtmpBase: this.deps.rtmpBase,
      latencyMode: this.answer.latency_mode,
      segmentDurationS: this.answer.segment_duration_s,
      thumbnailIntervalS: this.deps.timings.thumbnailIntervalS,
      rungs: this.rungs,
      keyInfoFile: this.keyInfoFile,
      keyHex: this.answer.encryption?.key_hex ?? null,
      // LL-HLS parts in `low` mode (AES-128 sessions too: each part is encrypted on its own, sendPart).
      partDurationS: this.lowLatency ? partDurationFor(this.answer.segment_duration_s) : undefined,
      log: (level, message, fields) => this.log(level, message, { input: name, ...fields }),
      onRestart: () => {
        this.deps.metrics?.ffmpegRestarts.inc();
        // A new FFmpeg starts its timestamps over: the player must be told.
        if (this.source === name) for (const r of this.rungs) this.discontinuityPending.add(r.name);
      },
    });
    this.ladders.set(name, ladder);
    await ladder.start();
  }

  /** Another input connected: probe it and keep its ladder warm for a cut (program-inputs.ts). */
  warm(name: string): Promise<void> {
    if (this.state !== 'live' || this.ladders.has(name)) return Promise.resolve();
    const pending =
      this.warming.get(name) ??
      (async () => {
        const publishedAtMs = Date.now();
        const info = await this.probeWithRetry(`${this.deps.rtmpBase}/${name}`, () => this.state === 'live');
        if (!info || this.state !== 'live') {
          this.log('warn', 'input not readable; it cannot be cut to', { input: name });
          return;
        }
        await this.startLadder(name, info, publishedAtMs);
      })().finally(() => this.warming.delete(name));
    this.warming.set(name, pending);
    return pending;
  }

  /** An input left while others stay: its ladder flushes (when on air, its last segments are taken) and goes. */
  async cool(name: string): Promise<void> {
    await this.warming.get(name);
    const ladder = this.ladders.get(name);
    if (!ladder) return;
    const onAir = this.source === name;
    await ladder.stop(onAir ? 3000 : 0);
    await this.scan();
    this.ladders.delete(name);
    this.thumbMtimes.delete(name);
    // Segments it had on air may still wait in the upload queue (which deletes each once uploaded);
    // the session's directory goes at the end, after the drain.
    if (!onAir && !this.tookFrom.has(name)) await ladder.remove();
  }

  /** The simulcast pushes follow the program input. */
  private restartSimulcast(): void {
    void this.simulcast?.stop();
    this.simulcast = null;
    if (!this.source || this.state !== 'live') return;
    this.simulcast = simulcastForSession(
      this.deps.client,
      this.streamId,
      this.answer.session_id,
      `${this.deps.rtmpBase}/${this.source}`,
      this.log,
      this.deps.timings.statusPollMs,
    );
    this.simulcast.start();
  }

  /**
   * Cuts the program to another input (program-inputs.ts). Its ladder is already running, so the
   * cut is a bookkeeping change: what the old program finished so far is taken, from then on the
   * new one's finished segments are, renumbered into the session's sequence after a discontinuity.
   * Same session, same playlists; the rungs are those of the first input. The new program's first
   * segment is the one it was writing when the cut was decided: within one segment of the request
   * plus the program poll.
   */
  async switchSource(localName: string): Promise<void> {
    if (this.state !== 'live') return;
    await this.warming.get(localName);
    const ladder = this.ladders.get(localName);
    if (!ladder) return;
    await this.scan();
    await this.exclusive(async () => {
      // LL-HLS: the old program's open segment ends at the parts viewers already have, so none of
      // its parts is listed under the new input's segment (docs/handbook/playback.md).
      const old = this.lowLatency && this.source ? this.ladders.get(this.source) : undefined;
      if (old)
        for (const seg of await old.cutAway().catch((err: unknown) => {
          this.log('warn', 'could not end the open segment at the cut', { reason: String(err) });
          return [];
        }))
          await this.take(old, seg);
      this.source = localName;
      this.cuts++;
      // Every rendition continues from the same number, so the variants stay aligned after the cut.
      const next = this.nextSequence;
      for (const r of this.rungs) {
        this.nextByRendition.set(r.name, next);
        this.discontinuityPending.add(r.name);
      }
      // The new program's open segment started on a keyframe before the cut: its parts so far go now.
      if (this.lowLatency)
        for (const r of this.rungs) for (const p of ladder.openParts(r.name)) this.sendPart(r.name, p);
      this.log('info', 'program cut', { to: localName, cuts: this.cuts, next_sequence: next });
    });
    this.restartSimulcast();
  }

  /** Runs fn while no scan runs (a scan asked for meanwhile waits for it): a cut must not interleave with one. */
  private async exclusive(fn: () => Promise<void>): Promise<void> {
    while (this.scanning) await this.scanning;
    const run = (async () => {
      try {
        await fn();
      } finally {
        this.scanning = null;
      }
    })();
    this.scanning = run;
    await run;
  }

  /** The on-air input left while others stay: nothing is taken until the next cut. */
  async pauseSource(): Promise<void> {
    await this.scan();
    this.source = null;
    this.restartSimulcast();
  }

  /** The Worker stored one of our segments: upload lag for the health sample (ms, when known). */
  segmentUploaded(rendition: string, sequence: number): number | null {
    return this.health?.segmentUploaded(rendition, sequence) ?? null;
  }

  /** The upload queue gave up on one of our segments: a dropped segment in the health sample. */
  segmentDropped(rendition: string, sequence: number): void {
    this.health?.segmentDropped(rendition, sequence);
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
    await Promise.all([...this.warming.values()]);
    await Promise.all([...this.ladders.values()].map((l) => l.stop()));
    await this.simulcast?.stop();
    await this.scan();
    await Promise.race([Promise.all(this.partUploads), sleep(2000)]);
    const drained = await this.deps.queue.drainSession(this.answer.session_id, this.deps.timings.drainTimeoutMs);
    if (!drained) this.log('warn', 'publish-done sent before every segment was uploaded');
    await this.measures.settled(this.deps.timings.drainTimeoutMs);
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

  private async probeWithRetry(url: string, wanted: () => boolean): Promise<InputInfo | null> {
    for (let attempt = 0; attempt < 4 && wanted(); attempt++) {
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

  /**
   * Reads each ladder's playlists: the program's newly finished segments go to the upload queue,
   * every other input's are dropped. One scan at a time; a caller during one waits for it.
   */
  private scan(): Promise<void> {
    this.scanning ??= (async () => {
      try {
        for (const ladder of [...this.ladders.values()])
          for (const r of this.rungs) {
            const onAir = ladder.localName === this.source;
            for (const out of await ladder.output(r.name)) {
              // Read before it is taken (and uploaded, then deleted) or discarded.
              if (out.kind === 'segment' && r.name === this.previewRungName && this.inputs.size >= 2)
                await this.previews.offer(ladder.localName, out.seg);
              if (out.kind === 'part') {
                if (onAir) this.sendPart(r.name, out.part);
              } else if (onAir) await this.take(ladder, out.seg);
              else await ladder.discard(out.seg);
            }
          }
      } finally {
        this.scanning = null;
      }
    })();
    return this.scanning;
  }

  /**
   * An LL-HLS part of the program's open segment, sent at once under the session sequence that
   * segment will be taken as (the next one: the segments before it were taken first). Beside the
   * upload queue: a part is worth something only for a second, so it is tried twice and given up;
   * its segment still follows through the queue.
   */
  private sendPart(rendition: string, part: AssembledPart): void {
    const sequence = this.nextByRendition.get(rendition) ?? this.nextSequenceFloor;
    const key = this.answer.encryption?.key_hex;
    // A part is fetched and decrypted on its own, with its segment's key and IV (the session's number).
    const body = key ? encryptSegment(part.body, key, sequence) : part.body;
    // The segment's first part says what its upload will (take()): the open segment follows a cut or restart.
    const discontinuity = part.index === 0 && this.discontinuityPending.has(rendition);
    const p = (async () => {
      for (let attempt = 0; attempt < 2; attempt++) {
        try {
          await this.deps.client.putPart({
            streamId: this.streamId,
            sessionId: this.answer.session_id,
            rendition,
            sequence,
            part: part.index,
            durationS: part.durationS,
            independent: part.independent,
            discontinuity,
            body,
          });
          return;
        } catch (err) {
          this.log('debug', 'part upload failed', { rendition, sequence, part: part.index, reason: String(err) });
        }
      }
    })();
    this.partUploads.add(p);
    void p.finally(() => this.partUploads.delete(p));
  }

  private async take(ladder: InputLadder, seg: LadderSegment): Promise<void> {
    const name = seg.rendition;
    const filePath = seg.filePath;
    let bytes: number;
    try {
      bytes = (await stat(filePath)).size;
    } catch {
      return;
    }
    const sequence = this.nextByRendition.get(name) ?? this.nextSequenceFloor;
    this.tookFrom.add(ladder.localName);
    try {
      await ladder.renumber(seg, sequence);
    } catch (err) {
      this.log('warn', 'could not renumber a segment; dropped', { rendition: name, reason: String(err) });
      return;
    }
    // Unreadable timestamps cost only precision: FFmpeg's own stamp stands in.
    const pts = await segmentFirstPts(filePath, this.answer.encryption?.key_hex ?? null, sequence).catch(() => null);
    this.nextByRendition.set(name, sequence + 1);
    const discontinuity = this.discontinuityPending.delete(name);
    this.deps.metrics?.segmentsListed.inc({ rendition: name });
    this.deps.metrics?.segmentBytes.observe({ rendition: name }, bytes);
    await this.health?.segmentListed(name, sequence, bytes, seg.durationS, filePath);
    const queued = await this.measures.segment(name, filePath, sequence, bytes, seg.durationS);
    this.deps.queue.enqueue({
      streamId: this.streamId,
      sessionId: this.answer.session_id,
      rendition: name,
      sequence,
      durationS: seg.durationS,
      programDateTime: segmentPdt(ladder.publishedAtMs, pts, seg.programDateTime),
      discontinuity,
      filePath,
      bytes,
    });
    queued();
  }

  private async pollStatus(): Promise<void> {
    try {
      const status = await this.deps.client.status(this.streamId);
      if (status.disabled) await this.stop('stream_disabled');
    } catch (err) {
      this.log('debug', 'status poll failed', { reason: String(err) });
    }
  }

  /**
   * Each ladder refreshes its thumb.jpg every thumbnailIntervalS; checking each second sends a new
   * one soon after: the program's is the stream's thumbnail, and while several inputs are connected
   * each one's is its preview in the switcher.
   */
  private async sendThumbnail(): Promise<void> {
    for (const ladder of [...this.ladders.values()]) {
      try {
        const info = await stat(ladder.thumbnailFile);
        if (info.mtimeMs === this.thumbMtimes.get(ladder.localName)) continue;
        const jpeg = await readFile(ladder.thumbnailFile);
        // A file caught mid-write is not a JPEG yet; the next tick sends it whole.
        if (jpeg.length < 3 || jpeg[0] !== 0xff || jpeg[1] !== 0xd8) continue;
        this.thumbMtimes.set(ladder.localName, info.mtimeMs);
        if (ladder.localName === this.source)
          await this.attempt('thumbnail', () =>
            this.deps.client.postThumbnail(this.streamId, this.answer.session_id, jpeg),
          );
        if (this.inputs.size >= 2)
          await this.attempt('input thumbnail', () =>
            this.deps.client.postInputThumbnail(this.streamId, this.answer.session_id, ladder.localName, jpeg),
          );
      } catch {
        // No thumbnail yet; the next tick tries again.
      }
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

const describeInput = (i: InputInfo) =>
  `${i.videoCodec}/${i.audioCodec ?? 'none'} ${i.width}x${i.height}@${i.frameRate}`;

/** What decides the ladder and the FFmpeg command; the bitrate only labels the source rung. */
const sameShape = (a: InputInfo, b: InputInfo) =>
  a.videoCodec === b.videoCodec &&
  a.audioCodec === b.audioCodec &&
  a.width === b.width &&
  a.height === b.height &&
  Math.abs(a.frameRate - b.frameRate) < 1;

const rungKey = (r: Rung) => `${r.name}:${r.videoCopy ? 'copy' : `${r.width}x${r.height}`}`;
