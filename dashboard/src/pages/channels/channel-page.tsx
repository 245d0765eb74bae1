import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import '../../features/channels/channels.css';
import { ChannelForm } from '../../features/channels/channel-form';
import {
  type Channel,
  useChannel,
  useChannelStreams,
  useDeleteChannel,
  useSetStreamChannel,
  useUpdateChannel,
} from '../../features/channels/channels.queries';
import { ImageUpload } from '../../features/channels/image-upload';
import { StreamStatus } from '../../features/streams/stream-status';
import { useStreams } from '../../features/streams/streams.queries';
import { ConfirmButton } from '../../ui/confirm-button';
import { PageHeader } from '../../ui/page-header';
import { FormError, QueryView } from '../../ui/states';

function ChannelStreams({ appId, channel }: { appId: string; channel: Channel }) {
  const on = useChannelStreams(appId, channel.id);
  const all = useStreams(appId);
  const set = useSetStreamChannel(appId, channel.id);
  const [pick, setPick] = useState('');
  const onIds = new Set(on.data?.data.map((s) => s.id) ?? []);
  const others = (all.data?.data ?? []).filter((s) => !onIds.has(s.id));
  return (
    <section className="panel stack" aria-labelledby="ch-streams-h">
      <h2 id="ch-streams-h">Streams on this channel</h2>
      <FormError error={set.error} />
      <QueryView query={on}>
        {(page) =>
          page.data.length === 0 ? (
            <p className="muted">No stream yet: the watch page shows the channel as offline.</p>
          ) : (
            <ul className="plain-list">
              {page.data.map((s) => (
                <li key={s.id} className="row">
                  <Link to={`/apps/${appId}/streams/${s.id}`}>{s.name}</Link>
                  <StreamStatus status={s.status} />
                  <button
                    type="button"
                    className="link-button"
                    onClick={() => set.mutate({ streamId: s.id, on: false })}
                  >
                    Remove
                  </button>
                </li>
              ))}
            </ul>
          )
        }
      </QueryView>
      {others.length > 0 && (
        <form
          className="row"
          aria-label="Add a stream to this channel"
          onSubmit={(e) => {
            e.preventDefault();
            if (pick) set.mutate({ streamId: pick, on: true }, { onSuccess: () => setPick('') });
          }}
        >
          <select aria-label="Stream" value={pick} onChange={(e) => setPick(e.target.value)}>
            <option value="">Choose a stream…</option>
            {others.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
          <button type="submit" disabled={!pick || set.isPending}>
            Add stream
          </button>
        </form>
      )}
    </section>
  );
}

export function ChannelPage() {
  const { appId = '', channelId = '' } = useParams();
  const channel = useChannel(appId, channelId);
  const update = useUpdateChannel(appId, channelId);
  const remove = useDeleteChannel(appId, channelId);
  const navigate = useNavigate();
  return (
    <QueryView query={channel}>
      {(c) => (
        <>
          <PageHeader
            title={c.display_name}
            description={<code>{c.id}</code>}
            crumbs={[[`/apps/${appId}/channels`, 'Channels']]}
            actions={
              <>
                <a className="button" href={c.watch_url} target="_blank" rel="noopener">
                  Open watch page
                </a>
                <ConfirmButton
                  title="Delete channel"
                  confirmLabel="Delete"
                  message={
                    <>
                      Delete <strong>{c.display_name}</strong>? Its watch page stops answering; its streams stay.
                    </>
                  }
                  onConfirm={() =>
                    remove.mutate(undefined, { onSuccess: () => void navigate(`/apps/${appId}/channels`) })
                  }
                >
                  Delete
                </ConfirmButton>
              </>
            }
          />
          <FormError error={remove.error} />
          <div className="two-col">
            <section className="panel" aria-labelledby="profile-h">
              <h2 id="profile-h">Profile</h2>
              {update.isSuccess && (
                <div className="alert info" role="status">
                  Saved.
                </div>
              )}
              <ChannelForm
                key={c.updated_at}
                initial={c}
                submitLabel="Save profile"
                pending={update.isPending}
                error={update.error}
                onSubmit={(v, fromApi) => update.mutate(v, { onError: fromApi })}
              />
            </section>
            <section className="panel stack" aria-labelledby="images-h">
              <h2 id="images-h">Images</h2>
              <ImageUpload appId={appId} channel={c} kind="avatar" />
              <ImageUpload appId={appId} channel={c} kind="banner" />
            </section>
          </div>
          <ChannelStreams appId={appId} channel={c} />
        </>
      )}
    </QueryView>
  );
}
