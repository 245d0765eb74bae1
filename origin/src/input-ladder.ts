import { createCipheriv } from 'node:crypto';
import { mkdir, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { LatencyMode } from '@edgelive/shared/origin-protocol';
import { buildFfmpegArgs } from './ffmpeg-command.ts';
import { FfmpegSupervisor } from './ffmpeg-supervisor.ts';
import { parseMediaPlaylist } from './hls-playlist.ts';
import type { InputInfo, Rung } from './ladder.ts';
import type { Logger } from './log.ts';
import { type AssembledPart, type AssembledSegment, PartAssembler } from './part-assembler.ts';
import { decryptSegment, encryptSegment } from './segment-clock.ts';

export interface LadderSettings {
  rtmpBase: string;
  latencyMode: LatencyMode;
  segmentDurationS: number;
  thumbnailIntervalS: number;
  rungs: readonly Rung[];
  keyInfoFile: string | null;
  keyHex: string | null;
  log: Logger;
  onRestart?: () => void;
  /**
   * LL-HLS (`low` mode): FFmpeg writes parts of this length, grouped here (part-assembler.ts). It
   * writes them in the clear (the grouping reads their frames); an encrypted session's segments
   * are then encrypted here as FFmpeg would have (IV = the ladder's number), its parts where they are sent.
   */
  partDurationS?: number;
}

/** What a ladder finished since the last look, in order: segments, and (LL-HLS) parts of the open one. */
export type LadderOutput = { kind: 'segment'; seg: LadderSegment } | { kind: 'part'; part: AssembledPart };

/** One finished segment of an input's ladder, in the ladder's own numbering. */
export interface LadderSegment {
  rendition: string;
  localSequence: number;
  uri: string;
  filePath: string;
  durationS: number;
  programDateTime: string | null;
}

/**
 * The whole ladder of one connected input, always running (warm) while the input is connected,
 * so that a cut only changes which input's segments the publication takes: no FFmpeg to stop,
 * no input to probe, no keyframe to wait for (that was 3 to 10 s of every cut). Each ladder numbers
 * its segments its own way in its own directory; the publication renumbers the ones it takes into
 * the session's sequence and discards the rest.
 */
export class InputLadder {
  readonly localName: string;
  readonly dir: string;
  readonly info: InputInfo;
  /** The input's on_publish wall clock: its publisher's media time 0 (segment-clock.ts). */
  publishedAtMs: number;
  private readonly settings: LadderSettings;
  private supervisor: FfmpegSupervisor | null = null;
  /** Next local sequence to look at, per rendition (with parts: FFmpeg's part numbers). */
  private readonly next = new Map<string, number>();
  /** LL-HLS: the grouping of parts into segments per rendition, and the local segment numbers. */
  private readonly assemblers = new Map<string, PartAssembler>();
  private readonly nextSegment = new Map<string, number>();
  /** The first part number of the current FFmpeg run: a segment never spans two runs. */
  private runStart = -1;
  private stopped = false;

  /** firstNumber: the ladder's first sequence (the session's next, so a lone input's are never renumbered). */
  constructor(
    localName: string,
    dir: string,
    info: InputInfo,
    publishedAtMs: number,
    firstNumber: number,
    settings: LadderSettings,
  ) {
    this.localName = localName;
    this.dir = dir;
    this.info = info;
    this.publishedAtMs = publishedAtMs;
    this.settings = settings;
    for (const r of settings.rungs) this.next.set(r.name, settings.partDurationS ? 0 : firstNumber);
    if (settings.partDurationS) for (const r of settings.rungs) this.nextSegment.set(r.name, firstNumber);
  }

  get pid(): number | null {
    return this.supervisor?.pid ?? null;
  }

  get restarts(): number {
    return this.supervisor?.restarts ?? 0;
  }

  get thumbnailFile(): string {
    return path.join(this.dir, 'thumb.jpg');
  }

  async start(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const s = this.settings;
    this.supervisor = new FfmpegSupervisor({
      log: s.log,
      args: (restart) => {
        if (restart > 0) s.onRestart?.();
        const startNumber = Math.max(0, ...this.next.values());
        for (const r of s.rungs) this.next.set(r.name, startNumber);
        this.runStart = startNumber;
        return buildFfmpegArgs({
          inputUrl: `${s.rtmpBase}/${this.localName}`,
          outputDir: this.dir,
          latencyMode: s.latencyMode,
          segmentDurationS: s.segmentDurationS,
          startNumber,
          frameRate: this.info.frameRate,
          hasAudio: this.info.audioCodec !== null,
          rungs: s.rungs,
          thumbnailIntervalS: s.thumbnailIntervalS,
          keyInfoFile: s.partDurationS ? undefined : (s.keyInfoFile ?? undefined),
          partDurationS: s.partDurationS,
        });
      },
    });
    this.supervisor.start();
  }

  /** Lets FFmpeg flush (it sees the end of input when the publisher left) for up to graceMs, then stops it. */
  async stop(graceMs = 5000): Promise<void> {
    await this.supervisor?.stop(graceMs);
    this.stopped = true;
  }

  async remove(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }

  /**
   * What FFmpeg finished since the last call, in order. With parts: each part as it comes, and
   * the segments they complete (the open one too once the ladder is stopped).
   */
  async output(rendition: string): Promise<LadderOutput[]> {
    if (!this.settings.partDurationS) return (await this.finished(rendition)).map((seg) => ({ kind: 'segment', seg }));
    const dir = path.join(this.dir, rendition);
    let asm = this.assemblers.get(rendition);
    if (!asm) {
      asm = new PartAssembler(dir, this.settings.segmentDurationS, {
        next: () => this.nextSegment.get(rendition) ?? 0,
        take: (n) => this.nextSegment.set(rendition, n),
      });
      this.assemblers.set(rendition, asm);
    }
    const out: LadderOutput[] = [];
    const asSegment = async (c: AssembledSegment) =>
      out.push({ kind: 'segment', seg: await this.sealed(rendition, c) });
    let text = '';
    try {
      text = await readFile(path.join(dir, 'index.m3u8'), 'utf8');
    } catch {
      // not written yet
    }
    const from = this.next.get(rendition) ?? 0;
    for (const p of parseMediaPlaylist(text).segments) {
      if (p.sequence < from) continue;
      this.next.set(rendition, p.sequence + 1);
      try {
        for (const a of await asm.add({ number: p.sequence, ...p }, p.sequence === this.runStart)) {
          if (a.kind === 'segment') await asSegment(a.seg);
          else out.push(a);
        }
      } catch {
        // listed but gone (a run that wrote over it): its segment is what counts
      }
    }
    if (this.stopped) {
      const last = await asm.close();
      if (last) await asSegment(last);
    }
    return out;
  }

  /** A segment grouped from parts, as FFmpeg would have written it (encrypted for an AES-128 session). */
  private async sealed(rendition: string, c: AssembledSegment): Promise<LadderSegment> {
    const filePath = path.join(this.dir, rendition, c.uri);
    const key = this.settings.keyHex;
    if (key) await writeFile(filePath, encryptSegment(await readFile(filePath), key, c.sequence));
    return {
      rendition,
      localSequence: c.sequence,
      uri: c.uri,
      filePath,
      durationS: c.durationS,
      programDateTime: c.programDateTime,
    };
  }

  /**
   * LL-HLS, the program cuts away from this input: each rendition's open segment ends at the last
   * part it has, which viewers already have, so the session's segment holds exactly its listed parts.
   * Call after output() (no part left unread).
   */
  async cutAway(): Promise<LadderSegment[]> {
    const out: LadderSegment[] = [];
    for (const [rendition, asm] of this.assemblers) {
      const c = await asm.close(true);
      if (c) out.push(await this.sealed(rendition, c));
    }
    return out;
  }

  /** LL-HLS, the program cuts to this input: the parts of each rendition's open segment so far. */
  openParts(rendition: string): AssembledPart[] {
    return this.assemblers.get(rendition)?.openParts() ?? [];
  }

  /** The segments FFmpeg finished since the last call, per rendition in order. */
  async finished(rendition: string): Promise<LadderSegment[]> {
    const dir = path.join(this.dir, rendition);
    let text: string;
    try {
      text = await readFile(path.join(dir, 'index.m3u8'), 'utf8');
    } catch {
      return []; // not written yet
    }
    const from = this.next.get(rendition) ?? 0;
    const out: LadderSegment[] = [];
    for (const seg of parseMediaPlaylist(text).segments) {
      if (seg.sequence < from) continue;
      out.push({
        rendition,
        localSequence: seg.sequence,
        uri: seg.uri,
        filePath: path.join(dir, seg.uri),
        durationS: seg.durationS,
        programDateTime: seg.programDateTime,
      });
      this.next.set(rendition, seg.sequence + 1);
    }
    return out;
  }

  /** A segment not taken (this input was not on air): its file goes at once. */
  async discard(seg: LadderSegment): Promise<void> {
    await unlink(seg.filePath).catch(() => undefined);
  }

  /**
   * FFmpeg encrypts with the ladder's own sequence number as the IV (no IV line in the key info);
   * the session's playlists say the session's number, so a renumbered segment is re-encrypted.
   */
  async renumber(seg: LadderSegment, sessionSequence: number): Promise<void> {
    const key = this.settings.keyHex;
    if (!key || sessionSequence === seg.localSequence) return;
    const clear = decryptSegment(await readFile(seg.filePath), key, seg.localSequence, true);
    const iv = Buffer.alloc(16);
    iv.writeBigUInt64BE(BigInt(sessionSequence), 8);
    const c = createCipheriv('aes-128-cbc', Buffer.from(key, 'hex'), iv);
    await writeFile(seg.filePath, Buffer.concat([c.update(clear), c.final()]));
  }
}
