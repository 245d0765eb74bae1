import type { HealthSample } from './health.queries';

/** What each verdict reason means to the person running the show. */
export const REASON_TEXT: Record<HealthSample['reasons'][number], string> = {
  input_bitrate_low: 'Input bitrate under half of usual',
  segments_late: 'Segments arriving late (the input stalls)',
  segments_dropped: 'Segments dropped before upload (viewers see a gap)',
  encoder_restarting: 'The encoder restarted',
  upload_backlog: 'Uploads falling behind',
};

export interface Transition {
  at: string;
  status: HealthSample['status'];
  reasons: HealthSample['reasons'];
}

/** The samples where the verdict changed (the first sample counts as a change from nothing). */
export function transitions(samples: readonly HealthSample[]): Transition[] {
  const out: Transition[] = [];
  let prev: string | null = null;
  for (const s of samples) {
    if (s.status !== prev) out.push({ at: s.at, status: s.status, reasons: s.reasons });
    prev = s.status;
  }
  return out;
}
