import type { Asset } from './assets.queries';

const LOOK: Record<Asset['status'], [className: string, label: string]> = {
  preparing: ['warn', 'Preparing'],
  ready: ['ok', 'Ready'],
  errored: ['bad', 'Errored'],
};

export function AssetStatus({ status }: { status: Asset['status'] }) {
  const [cls, label] = LOOK[status];
  return (
    <span className={`badge ${cls}`} data-status={status}>
      {label}
    </span>
  );
}

/** Where an asset came from, in words, with the id it came from. */
export function assetOrigin(a: Asset): string {
  const s = a.source;
  if (s.type === 'live_session') return s.stream_id ? `Recording of ${s.stream_id}` : 'Recording';
  if (s.type === 'clip')
    return `Clip of ${s.parent_asset_id ?? 'a deleted asset'}${s.start != null && s.end != null ? ` (${s.start.toFixed(1)}–${s.end.toFixed(1)} s)` : ''}`;
  return s.input_url ? `Imported from ${s.input_url}` : 'Upload';
}

export const formatSeconds = (s: number | null) => (s == null ? '—' : `${s.toFixed(1)} s`);
