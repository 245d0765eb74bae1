import { useEffect, useState } from 'react';

/** Copies `value`; says so for a moment (also to screen readers). */
export function CopyButton({ value, label = 'Copy' }: { value: string; label?: string }) {
  const [copied, setCopied] = useState<'idle' | 'done' | 'failed'>('idle');
  useEffect(() => {
    if (copied === 'idle') return;
    const t = setTimeout(() => setCopied('idle'), 2000);
    return () => clearTimeout(t);
  }, [copied]);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setCopied('done');
    } catch {
      // Clipboard access is refused on plain http origins other than localhost; say so.
      setCopied('failed');
    }
  };
  return (
    <button type="button" onClick={() => void copy()} aria-live="polite">
      {copied === 'done' ? 'Copied' : copied === 'failed' ? 'Copy failed: select and copy' : label}
    </button>
  );
}
