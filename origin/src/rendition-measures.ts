import { link, open, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { RenditionReport } from '@edgelive/shared/origin-protocol';
import type { Logger } from './log.ts';
import { probeSegment } from './probe.ts';
import { RenditionMeter } from './rendition-meter.ts';
import { decryptSegment, firstVideoPts } from './segment-clock.ts';

export interface MeasureDeps {
  /** Where measuring samples are kept for a moment (the session's directory). */
  dir: string;
  keyHex: string | null;
  /** The frame rate to report when a rendition's own cannot be read. */
  fallbackFrameRate: () => number;
  log: Logger;
  /** Sends a rendition's figures; false when it did not get through (they are sent again later). */
  report: (rendition: string, report: RenditionReport) => Promise<boolean>;
}

/**
 * What each rendition is (codec, size, frame rate from its first segment) and carries (bitrate,
 * from every segment), reported to the Worker. The first segment of each rendition is measured
 * from a second name for its file, taken before the upload queue may delete it, so the
 * measurement runs beside the uploads instead of holding back every rung's first segment.
 */
export class RenditionMeasures {
  private readonly deps: MeasureDeps;
  private readonly meters = new Map<string, RenditionMeter>();
  private readonly probing = new Set<string>();
  /** Measurements in flight; the end waits for them so a short session's recording gets their figures. */
  private readonly measuring = new Set<Promise<void>>();

  constructor(deps: MeasureDeps) {
    this.deps = deps;
  }

  add(rendition: string): void {
    this.meters.set(rendition, new RenditionMeter());
  }

  /** Counts a segment in; call the answer once the segment is queued. */
  async segment(rendition: string, filePath: string, sequence: number, bytes: number, durationS: number) {
    const meter = this.meters.get(rendition);
    if (!meter) return () => undefined;
    meter.addSegment(bytes, durationS);
    const sample =
      !meter.media && !this.probing.has(rendition) ? await this.sampleOf(rendition, filePath, sequence) : null;
    return () => {
      if (sample) this.track(this.measure(rendition, meter, sample));
      else this.send(rendition, meter);
    };
  }

  settled(timeoutMs: number): Promise<unknown> {
    return Promise.race([Promise.all(this.measuring), new Promise((r) => setTimeout(r, timeoutMs))]);
  }

  /** A copy of the segment for measuring: a hard link, or the clear text of an encrypted one. */
  private async sampleOf(name: string, filePath: string, sequence: number): Promise<string | null> {
    this.probing.add(name);
    const sample = path.join(this.deps.dir, `${name}-${sequence}.sample.ts`);
    try {
      const key = this.deps.keyHex;
      if (key) await writeFile(sample, decryptSegment(await readFile(filePath), key, sequence, true));
      else await link(filePath, sample);
      return sample;
    } catch (err) {
      this.probing.delete(name);
      this.deps.log('warn', 'could not keep a segment to measure', { rendition: name, reason: String(err) });
      return null;
    }
  }

  /** Measures a rendition from its sample (ffprobe + ffmpeg, a second or so), then reports it. */
  private async measure(name: string, meter: RenditionMeter, sample: string): Promise<void> {
    try {
      const media = await probeSegment(sample);
      // The Worker needs a positive frame rate; an unreadable one falls back to the input's.
      meter.media = { ...media, frameRate: media.frameRate || this.deps.fallbackFrameRate() };
    } catch (err) {
      this.deps.log('warn', 'could not measure rendition', { rendition: name, reason: String(err) });
    } finally {
      this.probing.delete(name);
      await rm(sample, { force: true });
    }
    if (meter.media) this.send(name, meter);
  }

  private track(p: Promise<void>): void {
    this.measuring.add(p);
    void p.finally(() => this.measuring.delete(p));
  }

  private send(name: string, meter: RenditionMeter): void {
    const report = meter.takeReport();
    if (!report) return;
    void this.deps.report(name, report).then((ok) => {
      if (!ok) meter.forgetReport();
    });
  }
}

/** A segment's first video PTS, from its first few packets (decrypted first when the session is). */
export async function segmentFirstPts(filePath: string, keyHex: string | null, sequence: number) {
  const fh = await open(filePath, 'r');
  try {
    const { buffer, bytesRead } = await fh.read(Buffer.alloc(64 * 1024), 0, 64 * 1024, 0);
    const head = buffer.subarray(0, bytesRead);
    return firstVideoPts(keyHex ? decryptSegment(head, keyHex, sequence, false) : head);
  } finally {
    await fh.close();
  }
}
