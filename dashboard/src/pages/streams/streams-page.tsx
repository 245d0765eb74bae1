import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { DEFAULT_LADDER, StreamSettingsForm } from '../../features/streams/stream-settings-form';
import { StreamStatus } from '../../features/streams/stream-status';
import { useCreateStream, useStreams } from '../../features/streams/streams.queries';
import { formatDate } from '../../ui/format';
import { PageHeader } from '../../ui/page-header';
import { Empty, QueryView } from '../../ui/states';

export function StreamsPage() {
  const { appId = '' } = useParams();
  const streams = useStreams(appId);
  const create = useCreateStream(appId);
  const navigate = useNavigate();
  const [creating, setCreating] = useState(false);
  return (
    <>
      <PageHeader
        title="Live streams"
        description="Each stream has an RTMP stream key for OBS, playback ids for viewers, and a chat room."
        actions={
          !creating && (
            <button className="primary" type="button" onClick={() => setCreating(true)}>
              New stream
            </button>
          )
        }
      />
      {creating && (
        <section className="panel">
          <h2>New live stream</h2>
          <StreamSettingsForm
            initial={{
              name: '',
              latency_mode: 'standard',
              recording: true,
              reconnect_window: 60,
              ladder: DEFAULT_LADDER,
            }}
            submitLabel="Create stream"
            pending={create.isPending}
            error={create.error}
            onSubmit={(v) =>
              create.mutate(
                { ...v, playback_policies: ['public'] },
                { onSuccess: (s) => void navigate(`/apps/${appId}/streams/${s.id}`) },
              )
            }
          />
          <button type="button" className="link-button" onClick={() => setCreating(false)} style={{ marginTop: 8 }}>
            Cancel
          </button>
        </section>
      )}
      <QueryView query={streams}>
        {(page) =>
          page.data.length === 0 ? (
            <Empty title="No live streams yet">
              <p>Create a stream, then point OBS at it with its stream key.</p>
            </Empty>
          ) : (
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th>Name</th>
                    <th>Status</th>
                    <th>Latency</th>
                    <th>Recording</th>
                    <th>Created</th>
                  </tr>
                </thead>
                <tbody>
                  {page.data.map((s) => (
                    <tr key={s.id}>
                      <td>
                        <Link to={`/apps/${appId}/streams/${s.id}`}>{s.name}</Link>
                        <div className="small">
                          <code>{s.id}</code>
                        </div>
                      </td>
                      <td>
                        <StreamStatus status={s.status} />
                      </td>
                      <td>{s.latency_mode}</td>
                      <td>{s.recording ? 'on' : 'off'}</td>
                      <td>{formatDate(s.created_at)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </QueryView>
    </>
  );
}
