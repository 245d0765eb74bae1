import { readFile } from 'node:fs/promises';
import type { Rung } from './ladder.ts';
import type { Logger } from './log.ts';
import { decryptSegment } from './segment-clock.ts';

/** Sends one preview segment (WorkerClient.putInputPreview). */
export type PreviewSend = (inputId: string, localSequence: number, durationS: number, ts: Uint8Array) => Promise<void>;

export interface InputPreviewsDeps {
  send: PreviewSend;
  log: Logger;
  /** The session's AES-128 key: previews go to the console in the clear (their URL is the credential). */
  keyHex: string | null;
}

/** Segments waiting per input past which older ones are dropped: a preview is worth something only now. */
const MAX_PENDING = 3;

/** The rung each input's preview plays: its ladder's smallest, so a tile per camera costs little. */
export function previewRung(rungs: readonly Rung[]): Rung | null {
  return rungs.reduce<Rung | null>((low, r) => (low === null || r.height < low.height ? r : low), null);
}

/**
 * Each connected input's preview rung, sent to the Worker segment by segment while the stream has
 * several inputs (the console's player per camera). Per input in order, one at a time, best effort:
 * a failed segment is skipped, and a backlog drops its oldest rather than fall behind live.
 */
export class InputPreviews {
  private readonly deps: InputPreviewsDeps;
  private readonly lanes = new Map<string, { pending: Item[]; running: boolean }>();

  constructor(deps: InputPreviewsDeps) {
    this.deps = deps;
  }

  /** A finished segment of an input's preview rung; its bytes are read now (the file may go right after). */
  async offer(inputId: string, seg: { localSequence: number; durationS: number; filePath: string }): Promise<void> {
    let ts: Uint8Array;
    try {
      ts = await readFile(seg.filePath);
    } catch {
      return;
    }
    if (this.deps.keyHex) ts = decryptSegment(ts, this.deps.keyHex, seg.localSequence, true);
    let lane = this.lanes.get(inputId);
    if (!lane) {
      lane = { pending: [], running: false };
      this.lanes.set(inputId, lane);
    }
    lane.pending.push({ localSequence: seg.localSequence, durationS: seg.durationS, ts });
    if (lane.pending.length > MAX_PENDING) lane.pending.splice(0, lane.pending.length - MAX_PENDING);
    if (!lane.running) void this.drain(inputId, lane);
  }

  /** Resolves once nothing is being sent (tests; the end of a publication). */
  async idle(): Promise<void> {
    while ([...this.lanes.values()].some((l) => l.running)) await new Promise((r) => setTimeout(r, 10));
  }

  private async drain(inputId: string, lane: { pending: Item[]; running: boolean }): Promise<void> {
    lane.running = true;
    try {
      for (let item = lane.pending.shift(); item; item = lane.pending.shift()) {
        try {
          await this.deps.send(inputId, item.localSequence, item.durationS, item.ts);
        } catch (err) {
          this.deps.log('debug', 'preview segment not sent', { input: inputId, reason: String(err) });
        }
      }
    } finally {
      lane.running = false;
    }
  }
}

interface Item {
  localSequence: number;
  durationS: number;
  ts: Uint8Array;
}
