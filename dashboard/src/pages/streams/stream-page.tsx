import { Link, useNavigate, useParams } from 'react-router';
import { LiveQoe } from '../../features/analytics/live-qoe';
import { LiveClipPanel } from '../../features/assets/live-clip-panel';
import { OpenWatchPage } from '../../features/channels/open-watch-page';
import { StreamHealthPanel } from '../../features/health/stream-health-panel';
import { HlsPlayer } from '../../features/player/hls-player';
import { playbackUrl } from '../../features/player/playback-url';
import { InputSwitcher } from '../../features/streams/input-switcher';
import { ObsSetup } from '../../features/streams/obs-setup';
import { SessionHealth } from '../../features/streams/session-health';
import { SessionsTable } from '../../features/streams/sessions-table';
import { SimulcastPanel } from '../../features/streams/simulcast-panel';
import { StreamPlaybackIds } from '../../features/streams/stream-playback-ids';
import { StreamSettingsForm } from '../../features/streams/stream-settings-form';
import { StreamStatus } from '../../features/streams/stream-status';
import {
  type Stream,
  useDeleteStream,
  useSetStreamEnabled,
  useStream,
  useUpdateStream,
} from '../../features/streams/streams.queries';
import { ConfirmButton } from '../../ui/confirm-button';
import { PageHeader } from '../../ui/page-header';
import { FormError, QueryView } from '../../ui/states';
import { StreamChat } from './stream-chat';

function Actions({ appId, stream }: { appId: string; stream: Stream }) {
  const setEnabled = useSetStreamEnabled(appId, stream.id);
  const remove = useDeleteStream(appId, stream.id);
  const navigate = useNavigate();
  return (
    <>
      <FormError error={setEnabled.error ?? remove.error} />
      <OpenWatchPage appId={appId} channelId={stream.channel_id} />
      <Link className="button" to={`/apps/${appId}/streams/${stream.id}/analytics`}>
        Analytics
      </Link>
      {stream.status === 'disabled' ? (
        <button type="button" onClick={() => setEnabled.mutate(true)} disabled={setEnabled.isPending}>
          Enable
        </button>
      ) : (
        <ConfirmButton
          title="Disable stream"
          confirmLabel="Disable"
          message="Publishers are refused; a live session ends now."
          onConfirm={() => setEnabled.mutate(false)}
        >
          Disable
        </ConfirmButton>
      )}
      <ConfirmButton
        title="Delete stream"
        confirmLabel="Delete"
        message={
          <>
            Delete <strong>{stream.name}</strong>? A live publisher is cut off and its playback URLs stop working.
          </>
        }
        onConfirm={() => remove.mutate(undefined, { onSuccess: () => void navigate(`/apps/${appId}/streams`) })}
      >
        Delete
      </ConfirmButton>
    </>
  );
}

function Preview({ stream }: { stream: Stream }) {
  const pb = stream.playback_ids.find((p) => p.policy === 'public');
  return (
    <section aria-labelledby="preview-h" className="stack">
      <h2 id="preview-h">Live preview</h2>
      {pb ? (
        <HlsPlayer src={playbackUrl(pb.id)} title={`${stream.name} preview`} />
      ) : (
        <p className="muted">Add a public playback id to preview the stream here.</p>
      )}
    </section>
  );
}

export function StreamPage() {
  const { appId = '', streamId = '' } = useParams();
  const stream = useStream(appId, streamId);
  const update = useUpdateStream(appId, streamId);
  return (
    <QueryView query={stream}>
      {(s) => (
        <>
          <PageHeader
            crumbs={[[`/apps/${appId}/streams`, 'Live streams']]}
            title={s.name}
            description={
              <>
                <StreamStatus status={s.status} /> <code>{s.id}</code>
              </>
            }
            actions={<Actions appId={appId} stream={s} />}
          />
          <div className="grid-2">
            <Preview stream={s} />
            <StreamChat appId={appId} stream={s} />
          </div>
          {s.status === 'active' && <LiveQoe appId={appId} streamId={s.id} />}
          {s.status === 'active' && <LiveClipPanel appId={appId} streamId={s.id} />}
          <SessionHealth stream={s} />
          <StreamHealthPanel appId={appId} streamId={s.id} live={s.status !== 'idle' && s.status !== 'disabled'} />
          <div className="grid-2">
            <ObsSetup appId={appId} stream={s} />
            <StreamPlaybackIds appId={appId} stream={s} />
          </div>
          <InputSwitcher appId={appId} streamId={s.id} />
          <SimulcastPanel appId={appId} streamId={s.id} />
          <section className="panel" aria-labelledby="settings-h">
            <h2 id="settings-h">Settings</h2>
            <p className="small muted">Changes apply from the next session; a live session keeps its settings.</p>
            <StreamSettingsForm
              key={s.updated_at}
              initial={s}
              submitLabel="Save settings"
              pending={update.isPending}
              error={update.error}
              onSubmit={(v) => update.mutate(v)}
            />
            {update.isSuccess && (
              <p role="status" className="small">
                Saved.
              </p>
            )}
          </section>
          <SessionsTable appId={appId} stream={s} />
        </>
      )}
    </QueryView>
  );
}
