import type { ReactNode } from 'react';

/** The frame around a secret the API returns only once: a clear warning and a way to dismiss. */
export function ShownOnce({ title, children, onDone }: { title: string; children: ReactNode; onDone: () => void }) {
  return (
    <section className="alert warn" aria-label={title}>
      <h2>{title}</h2>
      <p>
        <strong>Copy it now: this is the only time it is shown.</strong> Edgelive keeps only a hash (or the public
        half), so it cannot be shown again. If you lose it, create a new one.
      </p>
      <div className="stack">{children}</div>
      <div className="row" style={{ marginTop: 12 }}>
        <button type="button" onClick={onDone}>
          I have saved it
        </button>
      </div>
    </section>
  );
}
