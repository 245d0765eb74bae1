import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { Link } from 'react-router';
import { api, unwrap } from '../../api/client';
import { errorMessage } from '../../api/errors';
import { FormError } from '../../ui/states';
import { assetKeys, useCreateUpload } from './assets.queries';
import { sendFile, type UploadProgress } from './tus-upload';

type Phase =
  | { s: 'idle' }
  | { s: 'sending'; uploadId: string; progress: UploadProgress }
  | { s: 'done'; assetId: string | null }
  | { s: 'failed'; message: string };

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/**
 * Uploads a video file from this browser: a direct upload (`POST /v1/uploads`, its CORS origin
 * this page), then the file over tus to the URL it answered, with progress. The asset it becomes
 * is transcoded by a media job; the link opens it while it prepares.
 */
export function UploadPanel({
  appId,
  onSendingChange,
}: {
  appId: string;
  /** Told when a file starts and stops going up, so the page's list can follow it meanwhile. */
  onSendingChange?: (sending: boolean) => void;
}) {
  const create = useCreateUpload(appId);
  const qc = useQueryClient();
  const file = useRef<HTMLInputElement>(null);
  const [policy, setPolicy] = useState<'public' | 'signed'>('public');
  const [mp4, setMp4] = useState(false);
  const [phase, setPhase] = useState<Phase>({ s: 'idle' });

  async function start(f: File) {
    const upload = await create.mutateAsync({
      cors_origin: window.location.origin,
      max_size_bytes: Math.max(f.size, 1),
      new_asset_settings: { playback_policies: [policy], mp4_support: mp4 ? 'standard' : 'none' },
    });
    setPhase({ s: 'sending', uploadId: upload.id, progress: { sent: 0, stored: 0, total: f.size } });
    const run = sendFile(f, upload.url, (progress) => setPhase({ s: 'sending', uploadId: upload.id, progress }));
    void qc.invalidateQueries({ queryKey: assetKeys.uploads(appId) });
    try {
      await run;
      const after = await unwrap(
        api.GET('/v1/apps/{app_id}/uploads/{upload_id}', {
          params: { path: { app_id: appId, upload_id: upload.id } },
        }),
      );
      setPhase({ s: 'done', assetId: after.asset_id });
    } catch (err) {
      setPhase({ s: 'failed', message: errorMessage(err) });
    }
    void qc.invalidateQueries({ queryKey: assetKeys.uploads(appId) });
    void qc.invalidateQueries({ queryKey: assetKeys.all(appId) });
  }

  const sending = phase.s === 'sending';
  useEffect(() => onSendingChange?.(sending), [sending, onSendingChange]);
  return (
    <section className="panel" aria-labelledby="upload-h">
      <h2 id="upload-h">Upload a video</h2>
      <form
        aria-label="Upload a video"
        className="stack"
        onSubmit={(e) => {
          e.preventDefault();
          const f = file.current?.files?.[0];
          if (!f) return setPhase({ s: 'failed', message: 'Choose a video file first.' });
          start(f).catch((err: unknown) => setPhase({ s: 'failed', message: errorMessage(err) }));
        }}
      >
        <div className="field">
          <label htmlFor="upload-file">Video file</label>
          <input id="upload-file" ref={file} type="file" accept="video/*" disabled={sending} />
        </div>
        <div className="field">
          <label htmlFor="upload-policy">Playback</label>
          <select
            id="upload-policy"
            value={policy}
            onChange={(e) => setPolicy(e.target.value as 'public' | 'signed')}
            disabled={sending}
          >
            <option value="public">public</option>
            <option value="signed">signed (viewers need a token)</option>
          </select>
        </div>
        <label className="row">
          <input type="checkbox" checked={mp4} onChange={(e) => setMp4(e.target.checked)} disabled={sending} />
          Make an MP4 download
        </label>
        <FormError error={create.error} />
        <div className="row">
          <button className="primary" type="submit" disabled={sending || create.isPending}>
            Upload
          </button>
        </div>
      </form>
      {sending && (
        <div className="stack" style={{ gap: 4 }}>
          <progress aria-label="Upload progress" max={phase.progress.total} value={phase.progress.sent} />
          <span className="small" role="status">
            {mb(phase.progress.stored)} of {mb(phase.progress.total)} stored
            {phase.progress.sent > phase.progress.stored ? ` (${mb(phase.progress.sent)} sent)` : ''}
          </span>
        </div>
      )}
      {phase.s === 'done' && (
        <p role="status">
          Uploaded. {phase.assetId && <Link to={`/apps/${appId}/assets/${phase.assetId}`}>Open the asset</Link>} It
          plays once it is transcoded.
        </p>
      )}
      {phase.s === 'failed' && (
        <div className="alert error" role="alert">
          {phase.message}
        </div>
      )}
    </section>
  );
}
