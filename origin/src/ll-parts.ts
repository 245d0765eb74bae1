import path from 'node:path';
import { PART_TARGET_S } from '@edgelive/shared/playlist-ll';
import { parseMediaPlaylist } from './hls-playlist.ts';
import type { Logger } from './log.ts';
import { type AssembledSegment, PartAssembler } from './part-assembler.ts';
import type { WorkerClient } from './worker-client.ts';

/**
 * A publication's LL-HLS parts (`low` mode, part-assembler.ts says how): reads each rendition's
 * part playlist, sends every new part to the Worker at once (beside the upload queue: a part is
 * worth something only for a second, so it is tried twice and then given up; its segment still
 * follows through the queue), and hands each completed segment back to the publication.
 */
export interface LlPartsDeps {
  client: WorkerClient;
  streamId: string;
  sessionId: string;
  dir: string;
  segmentDurationS: number;
  log: Logger;
  /** The session's next sequence per rendition (the publication's numbering). */
  sequences: (rendition: string) => { next: () => number; take: (n: number) => void };
}

/** Parts are a third of the segment: 333 ms in `low` mode. */
export const partDurationFor = (segmentDurationS: number) => Math.min(PART_TARGET_S, segmentDurationS / 3);

export class LlParts {
  private readonly assemblers = new Map<string, PartAssembler>();
  /** The next part number FFmpeg will write, per rendition; a new FFmpeg run starts at the maximum. */
  private readonly nextPart = new Map<string, number>();
  private runStart = 0;
  private readonly uploads = new Set<Promise<void>>();
  private readonly deps: LlPartsDeps;

  constructor(deps: LlPartsDeps) {
    this.deps = deps;
  }

  /** A new FFmpeg run: its first part number (its `-start_number`), so parts never reuse a file name. */
  newRun(): number {
    this.runStart = Math.max(this.runStart, ...this.nextPart.values());
    return this.runStart;
  }

  /** New parts in the rendition's playlist text; completed segments go to `list`, in order. */
  async scan(rendition: string, text: string, list: (seg: AssembledSegment) => Promise<void>): Promise<void> {
    const asm = this.assembler(rendition);
    const next = this.nextPart.get(rendition) ?? 0;
    for (const p of parseMediaPlaylist(text).segments) {
      if (p.sequence < next) continue;
      let added: Awaited<ReturnType<PartAssembler['add']>>;
      try {
        added = await asm.add(
          { number: p.sequence, uri: p.uri, durationS: p.durationS, programDateTime: p.programDateTime },
          p.sequence === this.runStart,
        );
      } catch {
        continue; // listed but already gone (a run that overwrote it): its segment is what counts
      }
      this.nextPart.set(rendition, p.sequence + 1);
      // Parts first: they are what a viewer at the live edge waits for.
      for (const part of added.parts)
        this.upload(rendition, part.sequence, part.index, part.durationS, part.independent, part.body);
      for (const seg of added.closed) await list(seg);
    }
  }

  /** The publication (or the FFmpeg run) is over: every open segment is complete now. */
  async flush(list: (rendition: string, seg: AssembledSegment) => Promise<void>): Promise<void> {
    for (const [rendition, asm] of this.assemblers) {
      const seg = await asm.close();
      if (seg) await list(rendition, seg);
    }
  }

  /** Parts still being sent (the end waits for them briefly). */
  settled(): Promise<unknown> {
    return Promise.all(this.uploads);
  }

  private assembler(rendition: string): PartAssembler {
    let a = this.assemblers.get(rendition);
    if (!a) {
      a = new PartAssembler(
        path.join(this.deps.dir, rendition),
        this.deps.segmentDurationS,
        this.deps.sequences(rendition),
      );
      this.assemblers.set(rendition, a);
    }
    return a;
  }

  private upload(
    rendition: string,
    sequence: number,
    index: number,
    durationS: number,
    independent: boolean,
    body: Buffer,
  ) {
    const { client, streamId, sessionId } = this.deps;
    const p = (async () => {
      for (let attempt = 0; attempt < 2; attempt++) {
        try {
          await client.putPart({ streamId, sessionId, rendition, sequence, part: index, durationS, independent, body });
          return;
        } catch (err) {
          this.deps.log('debug', 'part upload failed', { rendition, sequence, part: index, reason: String(err) });
        }
      }
    })();
    this.uploads.add(p);
    void p.finally(() => this.uploads.delete(p));
  }
}
