import { useState } from 'react';
import { useNavigate } from 'react-router';
import { TextField } from '../../ui/field';
import { FormError } from '../../ui/states';
import { type Asset, useCreateClip } from './assets.queries';

/** Parses the two fields; a message per field the API would refuse anyway, said before the round trip. */
export function clipRange(start: string, end: string, duration: number | null) {
  const s = Number(start);
  const e = Number(end);
  const errors: { start?: string; end?: string } = {};
  if (start.trim() === '' || !Number.isFinite(s) || s < 0) errors.start = 'Start must be 0 or more seconds.';
  if (end.trim() === '' || !Number.isFinite(e) || e <= 0) errors.end = 'End must be a number of seconds.';
  else if (!errors.start && e <= s) errors.end = 'End must be after start.';
  else if (duration != null && s >= duration) errors.start = `The asset is ${duration.toFixed(1)} s long.`;
  return { start: s, end: e, errors };
}

/** Cuts a clip (segment-accurate, a new asset playable at once) and opens it. */
export function ClipForm({ appId, asset }: { appId: string; asset: Asset }) {
  const clip = useCreateClip(appId, asset.id);
  const navigate = useNavigate();
  const [start, setStart] = useState('0');
  const [end, setEnd] = useState(asset.duration ? String(Math.min(10, Math.floor(asset.duration))) : '10');
  const [errors, setErrors] = useState<{ start?: string; end?: string }>({});
  return (
    <section className="panel" aria-labelledby="clip-h">
      <h2 id="clip-h">Cut a clip</h2>
      <p className="small muted">
        The clip starts with the segment holding the start and ends with the one holding the end.
      </p>
      <form
        aria-label="Cut a clip"
        className="stack"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          const r = clipRange(start, end, asset.duration);
          setErrors(r.errors);
          if (r.errors.start || r.errors.end) return;
          clip.mutate(
            { start: r.start, end: r.end },
            { onSuccess: (c) => void navigate(`/apps/${appId}/assets/${c.id}`) },
          );
        }}
      >
        <div className="row">
          <TextField
            label="Start (seconds)"
            inputMode="decimal"
            value={start}
            error={errors.start}
            onChange={(e) => setStart(e.target.value)}
          />
          <TextField
            label="End (seconds)"
            inputMode="decimal"
            value={end}
            error={errors.end}
            onChange={(e) => setEnd(e.target.value)}
          />
        </div>
        <FormError error={clip.error} />
        <div>
          <button type="submit" className="primary" disabled={clip.isPending || asset.status === 'errored'}>
            Cut clip
          </button>
        </div>
      </form>
    </section>
  );
}
