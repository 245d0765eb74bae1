import { ConfirmButton } from '../../ui/confirm-button';
import { CopyButton } from '../../ui/copy-button';
import { FormError } from '../../ui/states';
import { playbackUrl } from './playback-url';

type Policy = 'public' | 'signed';

/** The part of a TanStack mutation this panel drives; streams and assets each pass their own. */
interface Action<T> {
  mutate: (value: T) => void;
  isPending: boolean;
  error: unknown;
}

/**
 * A stream's or an asset's playback ids: each with its policy and its HLS URL to copy, deleted
 * behind a confirmation, and a public or signed one added. Both resources answer the same shape.
 */
export function PlaybackIdsPanel({
  ids,
  add,
  remove,
  empty,
}: {
  ids: readonly { id: string; policy: Policy }[];
  add: Action<Policy>;
  remove: Action<string>;
  /** What having none means for this resource. */
  empty: string;
}) {
  return (
    <section className="panel" aria-labelledby="pb-h">
      <h2 id="pb-h">Playback ids</h2>
      <p className="small muted">
        Public ids play for anyone with the URL; signed ids need a token signed with one of your signing keys (
        <code>?token=</code>).
      </p>
      <FormError error={add.error ?? remove.error} />
      {ids.length === 0 ? (
        <p className="muted">{empty}</p>
      ) : (
        <ul className="stack" style={{ listStyle: 'none', padding: 0 }}>
          {ids.map((p) => (
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
