import { useMemo } from 'react';
import { QueryView } from '../../ui/states';
import { ms } from '../analytics/overview-stats';
import { TimeChart } from '../analytics/time-chart';
import { type StreamHealth, useStreamHealth } from './health.queries';
import { REASON_TEXT, transitions } from './health-reasons';

const kbps = (v: number) => (v >= 1000 ? `${(v / 1000).toFixed(1)} Mb/s` : `${Math.round(v)} kb/s`);
const fps = (v: number) => `${Math.round(v)} fps`;
/** Samples are seconds apart: times with seconds. */
const clock = (iso: string) => new Date(iso).toLocaleTimeString();

function Charts({ h }: { h: StreamHealth }) {
  const { times, charts } = useMemo(() => {
    const xs = h.samples.map((s) => Date.parse(s.at));
    const col = (pick: (s: StreamHealth['samples'][number]) => number | null) => h.samples.map(pick);
    return {
      times: xs,
      charts: [
        {
          title: 'Input',
          series: [
            { label: 'Bitrate', values: col((s) => s.input_bitrate_kbps), color: '#c2262e', format: kbps },
            {
              label: 'Frame rate',
              values: col((s) => s.frame_rate),
              color: '#2463eb',
              right: true,
              format: fps,
              sparse: true,
            },
          ],
        },
        {
          title: 'Delivery',
          series: [
            {
              label: 'Upload lag (p95)',
              values: col((s) => s.upload_lag_ms_p95),
              color: '#1a7f37',
              format: ms,
              sparse: true,
            },
            { label: 'Upload backlog', values: col((s) => s.upload_backlog), color: '#8a5a00', right: true },
          ],
        },
      ],
    };
  }, [h]);
  return (
    <div className="charts-grid">
      {charts.map((c) => (
        <TimeChart key={c.title} title={c.title} times={times} series={c.series} height={160} />
      ))}
    </div>
  );
}

/**
 * The session's health as its origin measures it: the verdict with its reasons, input bitrate and
 * frame rate, upload lag and backlog over time, and when the verdict changed.
 */
export function StreamHealthPanel({ appId, streamId, live }: { appId: string; streamId: string; live: boolean }) {
  const q = useStreamHealth(appId, streamId, live);
  return (
    <section className="panel" aria-labelledby="stream-health-h">
      <h2 id="stream-health-h">Stream health</h2>
      <QueryView query={q}>
        {(h) => {
          if (!h.session_id || h.samples.length === 0)
            return (
              <p className="muted">No health samples yet: they start a few seconds after the publisher connects.</p>
            );
          const last = h.samples[h.samples.length - 1]!;
          const changes = transitions(h.samples);
          return (
            <>
              <p>
                <span className={`badge ${h.status === 'degraded' ? 'bad' : 'ok'}`} data-health={h.status ?? ''}>
                  {h.status === 'degraded' ? 'Degraded' : 'Healthy'}
                </span>{' '}
                {h.reasons.map((r) => REASON_TEXT[r]).join('; ')}
                <span className="small muted">
                  {' '}
                  Last sample {clock(last.at)}: {kbps(last.input_bitrate_kbps)}
                  {last.frame_rate != null && `, ${fps(last.frame_rate)}`}
                  {last.keyframe_interval_s != null && `, keyframe every ${last.keyframe_interval_s} s`},{' '}
                  {last.encoder_restarts} encoder restarts.
                </span>
              </p>
              <Charts h={h} />
              <div className="table-wrap">
                <table aria-label="Health changes">
                  <thead>
                    <tr>
                      <th scope="col">When</th>
                      <th scope="col">Verdict</th>
                      <th scope="col">Why</th>
                    </tr>
                  </thead>
                  <tbody>
                    {changes
                      .slice(-8)
                      .reverse()
                      .map((t) => (
                        <tr key={t.at}>
                          <td>{clock(t.at)}</td>
                          <td>{t.status === 'degraded' ? 'Degraded' : 'Healthy'}</td>
                          <td>{t.reasons.map((r) => REASON_TEXT[r]).join('; ') || '—'}</td>
                        </tr>
                      ))}
                  </tbody>
                </table>
              </div>
            </>
          );
        }}
      </QueryView>
    </section>
  );
}
