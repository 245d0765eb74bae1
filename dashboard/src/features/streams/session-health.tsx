import { formatBitrate, formatDate } from '../../ui/format';
import type { Stream } from './streams.queries';

/** The current session's input as the origin measured it. */
export function SessionHealth({ stream }: { stream: Stream }) {
  const s = stream.current_session;
  if (!s) {
    return (
      <section className="panel" aria-labelledby="health-h">
        <h2 id="health-h">Session health</h2>
        <p className="muted">No one is publishing. Start streaming in OBS and the input appears here.</p>
      </section>
    );
  }
  const i = s.input;
  const stat = (label: string, value: string) => (
    <div className="stat">
      <div className="label">{label}</div>
      <div className="value">{value}</div>
    </div>
  );
  return (
    <section aria-labelledby="health-h">
      <h2 id="health-h">Session health</h2>
      <div className="stats">
        {stat('Resolution', i?.width && i.height ? `${i.width}×${i.height}` : '—')}
        {stat('Frame rate', i?.frame_rate ? `${Math.round(i.frame_rate * 100) / 100} fps` : '—')}
        {stat('Bitrate', formatBitrate(i?.bitrate_kbps != null ? i.bitrate_kbps * 1000 : null))}
        {stat('Codecs', [i?.video_codec, i?.audio_codec].filter(Boolean).join(' / ') || '—')}
        {stat('Reconnects', String(s.reconnects))}
      </div>
      <p className="small muted">
        Session <code>{s.id}</code> since {formatDate(s.started_at)} on origin <code>{s.origin_id}</code>.
      </p>
    </section>
  );
}
