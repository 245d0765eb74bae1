import { API_ORIGIN } from '../../api/client';
import { FormError } from '../../ui/states';
import { type Asset, useUpdateAsset } from './assets.queries';

/** `GET /downloads/{playback_id}/{path}`: absolute, so it can be shared; a public id needs no token. */
export const downloadUrl = (playbackId: string, path: string) =>
  `${API_ORIGIN || window.location.origin}/downloads/${playbackId}/${path}`;

/** The asset's MP4 (Mux's static renditions): ask for one, watch it being made, download it. */
export function Mp4Panel({ appId, asset }: { appId: string; asset: Asset }) {
  const update = useUpdateAsset(appId, asset.id);
  const mp4 = asset.mp4;
  const pub = asset.playback_ids.find((p) => p.policy === 'public');
  return (
    <section className="panel" aria-labelledby="mp4-h">
      <h2 id="mp4-h">MP4 download</h2>
      <FormError error={update.error} />
      {!mp4 || asset.mp4_support === 'none' ? (
        <>
          <p className="small muted">
            An MP4 of the highest rendition, made by a media job, for downloads and offline use.
          </p>
          <button
            type="button"
            onClick={() => update.mutate({ mp4_support: 'standard' })}
            disabled={update.isPending || asset.status !== 'ready'}
          >
            Make an MP4
          </button>
        </>
      ) : mp4.status === 'preparing' ? (
        <p role="status">
          <span className="spinner" aria-hidden="true" /> Making the MP4…
        </p>
      ) : mp4.status === 'errored' ? (
        <div className="alert error" role="alert">
          The MP4 failed: {mp4.error?.reason ?? 'unknown reason'}
        </div>
      ) : mp4.path && pub ? (
        <p>
          <a className="button" href={downloadUrl(pub.id, mp4.path)} download>
            Download MP4
          </a>{' '}
          <span className="small muted">
            {mp4.rendition} · {mp4.bytes != null ? `${(mp4.bytes / 1024 / 1024).toFixed(1)} MB` : ''}
          </span>
        </p>
      ) : (
        <p className="small muted">
          The MP4 is ready; this asset has only signed playback ids, so a download needs a token with <code>aud</code> ={' '}
          <code>d</code>:{' '}
          <code>
            /downloads/{'{playback_id}'}/{mp4.path}?token=…
          </code>
        </p>
      )}
    </section>
  );
}
