import { API_ORIGIN } from '../../api/client';
import { ConfirmButton } from '../../ui/confirm-button';
import { CopyButton } from '../../ui/copy-button';
import { FormError } from '../../ui/states';
import { type Stream, useAddPlaybackId, useDeletePlaybackId } from './streams.queries';

/** Absolute so it can be pasted into a player elsewhere. */
export const playbackUrl = (playbackId: string) => `${API_ORIGIN || window.location.origin}/hls/${playbackId}.m3u8`;

export function PlaybackIdsPanel({ appId, stream }: { appId: string; stream: Stream }) {
  const add = useAddPlaybackId(appId, stream.id);
  const remove = useDeletePlaybackId(appId, stream.id);
  return (
    <section className="panel" aria-labelledby="pb-h">
      <h2 id="pb-h">Playback ids</h2>
      <p className="small muted">
        Public ids play for anyone with the URL; signed ids need a token signed with one of your signing keys (
        <code>?token=</code>).
      </p>
      <FormError error={add.error ?? remove.error} />
      {stream.playback_ids.length === 0 ? (
        <p className="muted">No playback ids: viewers cannot watch this stream yet.</p>
      ) : (
        <ul className="stack" style={{ listStyle: 'none', padding: 0 }}>
          {stream.playback_ids.map((p) => (
            <li key={p.id} className="stack" style={{ gap: 4 }}>
              <div className="row">
                <span className={`badge ${p.policy === 'public' ? 'ok' : 'warn'}`}>{p.policy}</span>
                <code>{p.id}</code>
              </div>
              <div className="secret">
                <code>
                  {playbackUrl(p.id)}
                  {p.policy === 'signed' ? '?token=…' : ''}
                </code>
                <CopyButton value={playbackUrl(p.id)} label="Copy URL" />
                <ConfirmButton
                  title="Delete playback id"
                  confirmLabel="Delete"
                  message="Players using this URL stop playing."
                  onConfirm={() => remove.mutate(p.id)}
                >
                  Delete
                </ConfirmButton>
              </div>
            </li>
          ))}
        </ul>
      )}
      <div className="row">
        <button type="button" onClick={() => add.mutate('public')} disabled={add.isPending}>
          Add public id
        </button>
        <button type="button" onClick={() => add.mutate('signed')} disabled={add.isPending}>
          Add signed id
        </button>
      </div>
    </section>
  );
}
