import { ConfirmButton } from '../../ui/confirm-button';
import { CopyButton } from '../../ui/copy-button';
import { FormError } from '../../ui/states';
import { playbackUrl } from '../streams/playback-ids-panel';
import { type Asset, useAddAssetPlaybackId, useDeleteAssetPlaybackId } from './assets.queries';

export function AssetPlaybackIds({ appId, asset }: { appId: string; asset: Asset }) {
  const add = useAddAssetPlaybackId(appId, asset.id);
  const remove = useDeleteAssetPlaybackId(appId, asset.id);
  return (
    <section className="panel" aria-labelledby="apb-h">
      <h2 id="apb-h">Playback ids</h2>
      <FormError error={add.error ?? remove.error} />
      {asset.playback_ids.length === 0 ? (
        <p className="muted">No playback ids: nobody can watch this asset.</p>
      ) : (
        <ul className="stack" style={{ listStyle: 'none', padding: 0 }}>
          {asset.playback_ids.map((p) => (
            <li key={p.id} className="row">
              <span className={`badge ${p.policy === 'public' ? 'ok' : 'warn'}`}>{p.policy}</span>
              <code>{p.id}</code>
              <CopyButton value={playbackUrl(p.id)} label="Copy HLS URL" />
              <ConfirmButton
                title="Delete playback id"
                confirmLabel="Delete"
                message={`Players using ${p.id} stop working.`}
                onConfirm={() => remove.mutate(p.id)}
              >
                Delete
              </ConfirmButton>
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
