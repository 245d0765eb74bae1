import { BeaconSchema } from '@edgelive/shared/beacons';
import { describe, expect, it } from 'vitest';
import { ViewTracker, viewerId } from './view-tracker';

/** The view bookkeeping behind trackPlayer(), on a clock the test moves. */
function tracker() {
  let t = 1_000_000;
  const v = new ViewTracker('pb_test', 'viewer-test-1', 'test/1', () => t);
  return { v, advance: (ms: number) => (t += ms) };
}

describe('ViewTracker', () => {
  it('measures startup, playing time and rebuffering, and makes valid numbered beacons', () => {
    const { v, advance } = tracker();
    expect(BeaconSchema.parse(v.beacon('view_start'))).toMatchObject({ seq: 0, startup_ms: null, playing_ms: 0 });
    advance(1200);
    v.stalled(); // before the first frame: startup, not a rebuffer
    advance(300);
    v.playing();
    v.setRendition(360);
    advance(5000);
    v.stalled();
    advance(700);
    v.playing();
    advance(3000);
    const b = BeaconSchema.parse(v.beacon('heartbeat'));
    expect(b).toMatchObject({
      seq: 1,
      startup_ms: 1500,
      playing_ms: 8000,
      rebuffer_count: 1,
      rebuffer_ms: 700,
      rendition: 360,
    });
    v.paused();
    advance(10_000);
    expect(v.peek('view_end')).toMatchObject({ seq: 2, playing_ms: 8000 });
    expect(v.beacon('view_end').seq).toBe(2);
  });

  it('counts errors and names the latest in an error beacon', () => {
    const { v } = tracker();
    v.error('manifestLoadError');
    expect(v.beacon('error')).toMatchObject({ error_count: 1, error_code: 'manifestLoadError' });
    expect(v.beacon('heartbeat')).not.toHaveProperty('error_code');
  });

  it("reports the element's dropped and decoded frames cumulatively, across a reset of the element", () => {
    const { v } = tracker();
    // A player that never reads them sends none (the fields are optional).
    expect(v.peek('heartbeat')).not.toHaveProperty('dropped_frames');
    v.setFrames(3, 300);
    expect(BeaconSchema.parse(v.beacon('heartbeat'))).toMatchObject({ dropped_frames: 3, total_frames: 300 });
    v.setFrames(5, 600);
    expect(v.peek('heartbeat')).toMatchObject({ dropped_frames: 5, total_frames: 600 });
    // A new source: the element counts from 0 again, the view goes on from what it had.
    v.setFrames(1, 30);
    expect(v.peek('heartbeat')).toMatchObject({ dropped_frames: 6, total_frames: 630 });
  });

  it('keeps one viewer id in storage, and makes one per view when storage refuses', () => {
    const map = new Map<string, string>();
    const storage = {
      getItem: (k: string) => map.get(k) ?? null,
      setItem: (k: string, v: string) => void map.set(k, v),
    };
    const a = viewerId(storage);
    expect(viewerId(storage)).toBe(a);
    const refusing = {
      getItem: () => {
        throw new Error('denied');
      },
      setItem: () => undefined,
    };
    expect(viewerId(refusing)).not.toBe(viewerId(refusing));
  });
});
