import { useState } from 'react';
import { formatDate, formatDuration } from '../../ui/format';
import { Empty, QueryView } from '../../ui/states';
import { HlsPlayer } from '../player/hls-player';
import { playbackUrl } from '../player/playback-url';
import { type Stream, useStreamSessions } from './streams.queries';

/** Past and current sessions; a ready recording plays inline through a public playback id. */
export function SessionsTable({ appId, stream }: { appId: string; stream: Stream }) {
  const sessions = useStreamSessions(appId, stream.id);
  const publicId = stream.playback_ids.find((p) => p.policy === 'public')?.id;
  /** The playing recording's path below the playback id (the API's `recording.playback_path`). */
  const [playing, setPlaying] = useState<string | null>(null);
  return (
    <section aria-labelledby="sessions-h">
      <h2 id="sessions-h">Sessions and recordings</h2>
      <QueryView query={sessions}>
        {(page) =>
          page.data.length === 0 ? (
            <Empty title="No sessions yet">
              <p>Every time someone publishes, a session (and, with recording on, a recording) appears here.</p>
            </Empty>
          ) : (
            <>
              {playing && publicId && (
                <div className="panel">
                  <HlsPlayer
                    key={playing}
                    src={`${playbackUrl(publicId).replace(/\.m3u8$/, '')}/${playing}`}
                    title="Recording"
                  />
                  <button type="button" onClick={() => setPlaying(null)} style={{ marginTop: 8 }}>
                    Close recording
                  </button>
                </div>
              )}
              <div className="table-wrap">
                <table>
                  <thead>
                    <tr>
                      <th>Started</th>
                      <th>Duration</th>
                      <th>Status</th>
                      <th>Input</th>
                      <th>Recording</th>
                    </tr>
                  </thead>
                  <tbody>
                    {page.data
                      .flatMap((s) => (s ? [s] : []))
                      .map((s) => (
                        <tr key={s.id}>
                          <td>
                            {formatDate(s.started_at)}
                            <div className="small">
                              <code>{s.id}</code>
                            </div>
                          </td>
                          <td>
                            {formatDuration(
                              (s.ended_at ? Date.parse(s.ended_at) : Date.now()) - Date.parse(s.started_at),
                            )}
                          </td>
                          <td>
                            <span
                              className={`badge ${s.status === 'ended' ? 'off' : s.status === 'active' ? 'live' : s.status === 'refused' ? 'bad' : 'warn'}`}
                            >
                              {s.status}
                            </span>
                            {s.refusal && <div className="small muted">{s.refusal.message}</div>}
                          </td>
                          <td>{s.input?.width ? `${s.input.width}×${s.input.height}` : '—'}</td>
                          <td>
                            {!s.recording ? (
                              'off'
                            ) : s.recording.status === 'ready' && s.recording.playback_path ? (
                              publicId ? (
                                <button type="button" onClick={() => setPlaying(s.recording?.playback_path ?? null)}>
                                  Play ({formatDuration((s.recording.duration_s ?? 0) * 1000)})
                                </button>
                              ) : (
                                'ready (add a public playback id to play it here)'
                              )
                            ) : (
                              s.recording.status
                            )}
                          </td>
                        </tr>
                      ))}
                  </tbody>
                </table>
              </div>
            </>
          )
        }
      </QueryView>
    </section>
  );
}
