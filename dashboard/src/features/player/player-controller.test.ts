// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  type HlsConstructor,
  type HlsErrorData,
  type HlsInstance,
  type PlayerState,
  startPlayback,
} from './player-controller';

/** A stand-in for hls.js that records what the controller asks and lets the test fire events. */
function fakeHls(supported = true) {
  const instances: FakeHls[] = [];
  class FakeHls implements HlsInstance {
    static Events = { MANIFEST_PARSED: 'manifestParsed', ERROR: 'error' };
    static isSupported = () => supported;
    handlers = new Map<string, (e: string, d: HlsErrorData) => void>();
    src = '';
    destroyed = false;
    constructor() {
      instances.push(this);
    }
    loadSource(src: string) {
      this.src = src;
    }
    attachMedia() {}
    on(event: string, h: (e: string, d: HlsErrorData) => void) {
      this.handlers.set(event, h);
    }
    emit(event: string, d: HlsErrorData = {}) {
      this.handlers.get(event)?.(event, d);
    }
    destroy() {
      this.destroyed = true;
    }
  }
  return { Hls: FakeHls as unknown as HlsConstructor, instances };
}

describe('startPlayback', () => {
  let video: HTMLVideoElement;
  let states: PlayerState[];
  beforeEach(() => {
    vi.useFakeTimers();
    video = document.createElement('video');
    video.play = vi.fn(() => Promise.resolve());
    states = [];
  });
  afterEach(() => vi.useRealTimers());

  it('waits and retries while the stream is not live, then plays', () => {
    const { Hls, instances } = fakeHls();
    const stop = startPlayback({ video, src: '/hls/pb_1.m3u8', Hls, onState: (s) => states.push(s), retryMs: 1000 });
    expect(instances[0]!.src).toBe('/hls/pb_1.m3u8');
    instances[0]!.emit('error', { fatal: true, details: 'manifestLoadError', response: { code: 412 } });
    expect(states.at(-1)).toBe('waiting');
    expect(instances[0]!.destroyed).toBe(true);
    vi.advanceTimersByTime(1000);
    expect(instances).toHaveLength(2);
    instances[1]!.emit('manifestParsed');
    expect(video.muted).toBe(true);
    expect(video.play).toHaveBeenCalled();
    video.dispatchEvent(new Event('playing'));
    expect(states.at(-1)).toBe('playing');
    stop();
    expect(instances[1]!.destroyed).toBe(true);
  });

  it('reports other fatal errors, ignores non-fatal ones, and stops retrying once stopped', () => {
    const { Hls, instances } = fakeHls();
    const stop = startPlayback({ video, src: 's', Hls, onState: (s) => states.push(s), retryMs: 1000 });
    instances[0]!.emit('error', { fatal: false, details: 'bufferStalledError' });
    expect(states).toEqual(['loading']);
    instances[0]!.emit('error', { fatal: true, details: 'fragParsingError' });
    expect(states.at(-1)).toBe('error');
    stop();
    vi.advanceTimersByTime(5000);
    expect(instances).toHaveLength(1);
  });

  it('says so when the browser cannot play HLS at all', () => {
    const { Hls } = fakeHls(false);
    video.canPlayType = () => '';
    const details: (string | undefined)[] = [];
    startPlayback({
      video,
      src: 's',
      Hls,
      onState: (s, d) => {
        states.push(s);
        details.push(d);
      },
    });
    expect(states.at(-1)).toBe('error');
    expect(details.at(-1)).toMatch(/cannot play HLS/);
  });
});
