import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import '../../features/channels/channels.css';
import { ChannelForm } from '../../features/channels/channel-form';
import { useChannels, useCreateChannel } from '../../features/channels/channels.queries';
import { formatDate } from '../../ui/format';
import { PageHeader } from '../../ui/page-header';
import { Empty, QueryView } from '../../ui/states';

export function ChannelsPage() {
  const { appId = '' } = useParams();
  const channels = useChannels(appId);
  const create = useCreateChannel(appId);
  const navigate = useNavigate();
  const [creating, setCreating] = useState(false);
  return (
    <>
      <PageHeader
        title="Channels"
        description="Your creators or events: each has a profile and a watch page with player, chat and past broadcasts."
        actions={
          !creating && (
            <button className="primary" type="button" onClick={() => setCreating(true)}>
              New channel
            </button>
          )
        }
      />
      {creating && (
        <section className="panel" aria-label="New channel">
          <h2>New channel</h2>
          <ChannelForm
            submitLabel="Create channel"
            pending={create.isPending}
            error={create.error}
            onSubmit={(v, fromApi) =>
              create.mutate(v, { onSuccess: (c) => void navigate(`/apps/${appId}/channels/${c.id}`), onError: fromApi })
            }
          />
          <button type="button" className="link-button" onClick={() => setCreating(false)} style={{ marginTop: 8 }}>
            Cancel
          </button>
        </section>
      )}
      <QueryView query={channels}>
        {(page) =>
          page.data.length === 0 ? (
            <Empty title="No channels yet">
              <p>Create a channel, put a stream on it, and share its watch page.</p>
            </Empty>
          ) : (
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th>Channel</th>
                    <th>Visibility</th>
                    <th>Watch page</th>
                    <th>Created</th>
                  </tr>
                </thead>
                <tbody>
                  {page.data.map((c) => (
                    <tr key={c.id}>
                      <td>
                        <div className="row">
                          {c.avatar_url ? (
                            <img src={c.avatar_url} alt="" className="channel-avatar small-avatar" />
                          ) : (
                            <span className="channel-avatar small-avatar" />
                          )}
                          <div>
                            <Link to={`/apps/${appId}/channels/${c.id}`}>{c.display_name}</Link>
                            <div className="small muted">/{c.slug}</div>
                          </div>
                        </div>
                      </td>
                      <td>{c.visibility}</td>
                      <td>
                        <a href={c.watch_url} target="_blank" rel="noopener">
                          Open watch page
                        </a>
                      </td>
                      <td>{formatDate(c.created_at)}</td>
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
