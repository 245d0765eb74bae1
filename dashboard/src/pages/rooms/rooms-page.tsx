import { type FormEvent, useState } from 'react';
import { Link, useParams } from 'react-router';
import { ChatBansPanel } from '../../features/rooms/chat-bans-panel';
import { useCreateRoom, useRooms } from '../../features/rooms/rooms.queries';
import { useFormErrors } from '../../forms/use-form-errors';
import { collect, maxLength, required } from '../../forms/validators';
import { TextField } from '../../ui/field';
import { formatDate } from '../../ui/format';
import { PageHeader } from '../../ui/page-header';
import { Empty, FormError, QueryView } from '../../ui/states';

export function RoomsPage() {
  const { appId = '' } = useParams();
  const rooms = useRooms(appId);
  const create = useCreateRoom(appId);
  const [name, setName] = useState('');
  const form = useFormErrors<'name'>();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!form.check(collect({ name: required(name, 'Name') ?? maxLength(name, 100, 'Name') }))) return;
    create.mutate(name.trim(), { onSuccess: () => setName(''), onError: form.fromApi });
  };
  return (
    <>
      <PageHeader title="Chat rooms" description="Every live stream has a room; your app can open rooms of its own." />
      <form className="panel" onSubmit={submit} noValidate aria-label="Create a room">
        <FormError error={create.error} />
        <div className="filters">
          <TextField
            label="Room name"
            value={name}
            error={form.errors.name}
            onChange={(e) => setName(e.target.value)}
          />
          <div>
            <button type="submit" className="primary" disabled={create.isPending}>
              Create room
            </button>
          </div>
        </div>
      </form>
      <QueryView query={rooms}>
        {(page) =>
          page.data.length === 0 ? (
            <Empty title="No rooms yet">
              <p>Create a stream or a room to start chatting.</p>
            </Empty>
          ) : (
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th>Name</th>
                    <th>Kind</th>
                    <th>Slow mode</th>
                    <th>Created</th>
                  </tr>
                </thead>
                <tbody>
                  {page.data.map((r) => (
                    <tr key={r.id}>
                      <td>
                        <Link to={`/apps/${appId}/rooms/${r.id}`}>{r.name ?? r.id}</Link>
                        <div className="small">
                          <code>{r.id}</code>
                        </div>
                      </td>
                      <td>
                        {r.kind}
                        {r.stream_id && (
                          <div className="small">
                            <Link to={`/apps/${appId}/streams/${r.stream_id}`}>stream</Link>
                          </div>
                        )}
                      </td>
                      <td>{r.settings.slow_mode_seconds ? `${r.settings.slow_mode_seconds} s` : 'off'}</td>
                      <td>{formatDate(r.created_at)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </QueryView>
      <ChatBansPanel appId={appId} />
    </>
  );
}
