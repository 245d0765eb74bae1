import { useState } from 'react';
import { CopyButton } from './copy-button';

/** A secret that stays masked until asked for, with copy. `label` names it for screen readers. */
export function SecretValue({
  value,
  label,
  initiallyShown = false,
}: {
  value: string;
  label: string;
  initiallyShown?: boolean;
}) {
  const [shown, setShown] = useState(initiallyShown);
  return (
    <div className="secret">
      <output aria-label={label} className="mono">
        {shown ? value : '•'.repeat(Math.min(value.length, 32))}
      </output>
      <button type="button" onClick={() => setShown((s) => !s)} aria-pressed={shown}>
        {shown ? 'Hide' : 'Show'}
      </button>
      <CopyButton value={value} />
    </div>
  );
}
