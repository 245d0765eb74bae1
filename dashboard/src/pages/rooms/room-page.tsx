import { useNavigate, useParams } from 'react-router';
import { ConnectorsPanel } from '../../features/rooms/connectors-panel';
import { FlagsPanel } from '../../features/rooms/flags-panel';
import { LiveChat } from '../../features/rooms/live-chat';
import { LiveNumbers } from '../../features/rooms/live-numbers';
import { RestrictionsPanel } from '../../features/rooms/restrictions-panel';
import { RoomSettingsForm } from '../../features/rooms/room-settings-form';
import { useDeleteRoom, useRoom, useUpdateRoomSettings } from '../../features/rooms/rooms.queries';
import { ConfirmButton } from '../../ui/confirm-button';
import { PageHeader } from '../../ui/page-header';
import { FormError, QueryView } from '../../ui/states';

export function RoomPage() {
  const { appId = '', roomId = '' } = useParams();
  const room = useRoom(appId, roomId);
  const update = useUpdateRoomSettings(appId, roomId);
  const remove = useDeleteRoom(appId, roomId);
  const navigate = useNavigate();
  return (
    <QueryView query={room}>
      {(r) => (
        <>
          <PageHeader
            crumbs={[[`/apps/${appId}/rooms`, 'Chat rooms']]}
            title={r.name ?? r.id}
            description={
              <>
                <code>{r.id}</code> · {r.kind} room
              </>
            }
            actions={
              <ConfirmButton
                title="Delete room"
                confirmLabel="Delete"
                message="Everyone connected is disconnected and the history is erased."
                onConfirm={() => remove.mutate(undefined, { onSuccess: () => void navigate(`/apps/${appId}/rooms`) })}
              >
                Delete room
              </ConfirmButton>
            }
          />
          <FormError error={remove.error} />
          <LiveNumbers appId={appId} roomId={r.id} />
          <div className="grid-2">
            <LiveChat appId={appId} roomId={r.id} />
            <section className="panel" aria-labelledby="rs-h">
              <h2 id="rs-h">Room settings</h2>
              <RoomSettingsForm
                key={r.updated_at}
                room={r}
                pending={update.isPending}
                error={update.error}
                onSubmit={(s) => update.mutate(s)}
              />
              {update.isSuccess && (
                <p role="status" className="small">
                  Saved.
                </p>
              )}
            </section>
          </div>
          <ConnectorsPanel appId={appId} roomId={r.id} />
          <FlagsPanel appId={appId} roomId={r.id} />
          <RestrictionsPanel appId={appId} roomId={r.id} />
        </>
      )}
    </QueryView>
  );
}
