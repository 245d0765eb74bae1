import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { DEFAULT_LADDER, StreamSettingsForm } from '../../features/streams/stream-settings-form';
import { StreamStatus } from '../../features/streams/stream-status';
import { type Stream, useCreateStream, useStreams } from '../../features/streams/streams.queries';
import { formatDate } from '../../ui/format';
import { type Column, ListTable } from '../../ui/list-table';
import { PageHeader } from '../../ui/page-header';
import { Empty } from '../../ui/states';

const COLUMNS = (appId: string): Column<Stream>[] => [
  {
    header: 'Name',
    cell: (s) => (
      <>
        <Link to={`/apps/${appId}/streams/${s.id}`}>{s.name}</Link>
        <div className="small">
          <code>{s.id}</code>
        </div>
      </>
    ),
  },
  { header: 'Status', cell: (s) => <StreamStatus status={s.status} /> },
  { header: 'Latency', cell: (s) => s.latency_mode },
  { header: 'Recording', cell: (s) => (s.recording ? 'on' : 'off') },
  { header: 'Created', cell: (s) => formatDate(s.created_at) },
];

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
      <ListTable
        query={streams}
        columns={COLUMNS(appId)}
        rowKey={(s) => s.id}
        empty={
          <Empty title="No live streams yet">
            <p>Create a stream, then point OBS at it with its stream key.</p>
          </Empty>
        }
      />
    </>
  );
}
