import { useId } from 'react';
import { FormError } from '../../ui/states';
import { type Channel, type ImageKind, useUploadImage } from './channels.queries';

const LIMITS: Record<ImageKind, string> = {
  avatar: 'PNG, JPEG or WebP, up to 2 MB and 2048×2048 px.',
  banner: 'PNG, JPEG or WebP, up to 5 MB and 4096×2048 px.',
};

/** The current avatar or banner and a file picker that replaces it (uploaded straight to storage). */
export function ImageUpload({ appId, channel, kind }: { appId: string; channel: Channel; kind: ImageKind }) {
  const upload = useUploadImage(appId, channel.id);
  const id = useId();
  const url = kind === 'avatar' ? channel.avatar_url : channel.banner_url;
  const label = kind === 'avatar' ? 'Avatar' : 'Banner';
  return (
    <fieldset className="stack" aria-label={`${label} image`}>
      <strong>{label}</strong>
      {url ? (
        <img
          src={url}
          alt={`${label} of ${channel.display_name}`}
          className={kind === 'avatar' ? 'channel-avatar' : 'channel-banner'}
        />
      ) : (
        <p className="muted small">No {kind} yet.</p>
      )}
      <label htmlFor={id} className="small">
        Upload a new {kind}
      </label>
      <input
        id={id}
        type="file"
        accept="image/png,image/jpeg,image/webp"
        disabled={upload.isPending}
        onChange={(e) => {
          const file = e.target.files?.[0];
          if (file) upload.mutate({ kind, file });
          e.target.value = '';
        }}
      />
      <span className="hint small muted">{LIMITS[kind]}</span>
      {upload.isPending && <span role="status">Uploading…</span>}
      {upload.isSuccess && <span role="status">Uploaded.</span>}
      <FormError error={upload.error} />
    </fieldset>
  );
}
