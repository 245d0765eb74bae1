import type { Beacon } from '@edgelive/shared/beacons';
import type { MinuteDelta, ViewRow } from './store';

/**
 * Workers Analytics Engine data points (production only: wrangler.jsonc `analytics_engine_datasets`,
 * binding `VIEWER_EVENTS`). One point per accepted beacon, carrying the same delta the open
 * minute gained (fold.ts), so `SUM(_sample_interval * doubleN)` over the dataset gives the D1
 * roll-up's totals, at any granularity and over any dimension, without D1's retention.
 *
 * Layout (append only: never reorder, dashboards and queries name columns by position):
 *   index1  app id (the sampling key: one app's points are sampled together)
 *   blob1   stream or asset id (`str_` / `ast_`), blob2 country, blob3 browser, blob4 os,
 *   blob5   rendition height ('' before the first), blob6 beacon event, blob7 view id, blob8 viewer id
 *   double1 views started, double2 watch ms, double3 rebuffer ms, double4 rebuffer count,
 *   double5 errors, double6 startup ms (0 when not measured by this beacon), double7 startup
 *   measured (1/0), double8 live latency ms, double9 latency measured (1/0), double10 dropped
 *   frames, double11 frames decoded
 */
export const DATA_POINT_LAYOUT = {
  blobs: ['subject_id', 'country', 'browser', 'os', 'rendition', 'event', 'view_id', 'viewer_id'],
  doubles: [
    'views_started',
    'watch_ms',
    'rebuffer_ms',
    'rebuffer_count',
    'errors',
    'startup_ms',
    'startup_count',
    'latency_ms',
    'latency_count',
    'dropped_frames',
    'total_frames',
  ],
} as const;

export function dataPoint(
  appId: string,
  subjectId: string,
  view: ViewRow,
  beacon: Beacon,
  d: MinuteDelta,
): AnalyticsEngineDataPoint {
  return {
    indexes: [appId],
    blobs: [
      subjectId,
      view.country,
      view.browser,
      view.os,
      beacon.rendition === null ? '' : String(beacon.rendition),
      beacon.event,
      view.view_id,
      view.viewer_id,
    ],
    doubles: [
      d.viewsStarted,
      d.watchMs,
      d.rebufferMs,
      d.rebufferCount,
      d.errors,
      d.startupMs ?? 0,
      d.startupMs === null ? 0 : 1,
      d.latencyMs ?? 0,
      d.latencyMs === null ? 0 : 1,
      d.droppedFrames,
      d.totalFrames,
    ],
  };
}
