import { EVENT_TYPES } from '@edgelive/shared';
import { useState } from 'react';
import { useParams, useSearchParams } from 'react-router';
import { EventDetail } from '../../features/events/event-detail';
import { type AppEvent, useEvents } from '../../features/events/events.queries';
import { SelectField, TextField } from '../../ui/field';
import { formatDate } from '../../ui/format';
import { PageHeader } from '../../ui/page-header';
import { Empty, QueryView } from '../../ui/states';

/**
 * The events browser: everything that happened in the app, newest first, filtered by type and by
 * the object it is about (both kept in the address, so a filtered view can be shared); one event's
 * payload and its webhook deliveries beside the list.
 */
export function EventsPage() {
  const { appId = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const filter = { type: params.get('type') ?? '', objectId: params.get('object_id') ?? '' };
  const [cursors, setCursors] = useState<string[]>([]);
  const [selected, setSelected] = useState<AppEvent | null>(null);
  const events = useEvents(appId, filter, cursors.at(-1));
  const set = (name: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next, { replace: true });
    setCursors([]);
    setSelected(null);
  };
  return (
    <>
      <PageHeader title="Events" description="Everything that happened in this app, as your webhooks receive it." />
      <div className="filters row">
        <SelectField
          label="Type"
          value={filter.type}
          options={[['', 'All types'], ...EVENT_TYPES.map((t): [string, string] => [t, t])]}
          onChange={(e) => set('type', e.target.value)}
        />
        <TextField
          label="Object id"
          placeholder="str_…, room_…, ast_…"
          value={filter.objectId}
          onChange={(e) => set('object_id', e.target.value)}
        />
      </div>
      <div className="grid-2">
        <QueryView query={events}>
          {(page) =>
            page.data.length === 0 ? (
              <Empty title="No events">
                <p>{filter.type || filter.objectId ? 'Nothing matches these filters.' : 'Nothing has happened yet.'}</p>
              </Empty>
            ) : (
              <div className="table-wrap">
                <table aria-label="Events">
                  <thead>
                    <tr>
                      <th>Type</th>
                      <th>Object</th>
                      <th>When</th>
                    </tr>
                  </thead>
                  <tbody>
                    {page.data.map((ev) => (
                      <tr key={ev.id} aria-selected={selected?.id === ev.id}>
                        <td>
                          <button type="button" className="link-button" onClick={() => setSelected(ev)}>
                            <code>{ev.type}</code>
                          </button>
                        </td>
                        <td>
                          <button type="button" className="link-button" onClick={() => set('object_id', ev.object.id)}>
                            <code>{ev.object.id}</code>
                          </button>
                        </td>
                        <td className="small">{formatDate(ev.timestamp)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
                <div className="row">
                  {cursors.length > 0 && (
                    <button type="button" onClick={() => setCursors(cursors.slice(0, -1))}>
                      Newer
                    </button>
                  )}
                  {page.next_cursor && (
                    <button type="button" onClick={() => setCursors([...cursors, page.next_cursor as string])}>
                      Older
                    </button>
                  )}
                </div>
              </div>
            )
          }
        </QueryView>
        {selected ? (
          <EventDetail appId={appId} event={selected} />
        ) : (
          <p className="small muted">Pick an event to see its payload and deliveries.</p>
        )}
      </div>
    </>
  );
}
