import { type FormEvent, useState } from 'react';
import { useFormErrors } from '../../forms/use-form-errors';
import { collect, intInRange, maxLength, required } from '../../forms/validators';
import { Checkbox, SelectField, TextArea, TextField } from '../../ui/field';
import { FormError } from '../../ui/states';
import { metadataToText, parseMetadata } from './metadata-text';
import type { UpdateStream } from './streams.queries';

/** The rungs the API accepts, highest first; `source` passes the input through unchanged. */
export const RENDITIONS = ['source', '2160p', '1440p', '1080p', '720p', '480p', '360p', '240p'] as const;
export type RenditionName = (typeof RENDITIONS)[number];
export const DEFAULT_LADDER: RenditionName[] = ['source', '720p', '480p', '360p'];

export interface StreamSettingsValues {
  name: string;
  latency_mode: 'standard' | 'low';
  recording: boolean;
  reconnect_window: number;
  ladder: string[];
  /** AES-128 segments; absent on a new stream (off). */
  encryption?: boolean;
  metadata?: Record<string, string> | null;
}

type Field = 'name' | 'reconnect_window' | 'ladder' | 'metadata';
type Sent = 'name' | 'latency_mode' | 'recording' | 'reconnect_window' | 'ladder' | 'encryption' | 'metadata';

/** Create and edit share this form; `submitLabel` says which. Validates like the API before sending. */
export function StreamSettingsForm({
  initial,
  submitLabel,
  pending,
  error,
  onSubmit,
}: {
  initial: StreamSettingsValues;
  submitLabel: string;
  pending: boolean;
  error: unknown;
  onSubmit: (v: Required<Pick<UpdateStream, Sent>>) => void;
}) {
  const [v, setV] = useState({
    ...initial,
    reconnect_window: String(initial.reconnect_window),
    encryption: initial.encryption ?? false,
    metadata: metadataToText(initial.metadata),
  });
  const form = useFormErrors<Field>();
  const toggle = (r: string) =>
    setV({ ...v, ladder: v.ladder.includes(r) ? v.ladder.filter((x) => x !== r) : [...v.ladder, r] });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const metadata = parseMetadata(v.metadata);
    const ok = form.check(
      collect({
        metadata: 'error' in metadata ? metadata.error : undefined,
        name: required(v.name, 'Name') ?? maxLength(v.name, 200, 'Name'),
        reconnect_window: intInRange(v.reconnect_window, 0, 1800, 'Reconnect window'),
        ladder: v.ladder.length ? undefined : 'Pick at least one rendition.',
      }),
    );
    if (!ok || 'error' in metadata) return;
    const ladder = RENDITIONS.filter((r) => v.ladder.includes(r));
    onSubmit({
      name: v.name.trim(),
      latency_mode: v.latency_mode,
      recording: v.recording,
      reconnect_window: Number(v.reconnect_window),
      ladder,
      encryption: v.encryption,
      metadata: metadata.value,
    });
  };
  return (
    <form className="form" onSubmit={submit} noValidate aria-label="Stream settings">
      <FormError error={error} />
      <TextField
        label="Stream name"
        value={v.name}
        error={form.errors.name}
        onChange={(e) => setV({ ...v, name: e.target.value })}
      />
      <SelectField
        label="Latency mode"
        value={v.latency_mode}
        options={[
          ['standard', 'Standard (2 s segments, steadier)'],
          ['low', 'Low latency (1 s segments)'],
        ]}
        onChange={(e) => setV({ ...v, latency_mode: e.target.value === 'low' ? 'low' : 'standard' })}
      />
      <fieldset
        className="stack"
        style={{ border: 0, padding: 0, margin: 0 }}
        aria-describedby={form.errors.ladder ? 'ladder-error' : undefined}
      >
        <legend className="field-label">Renditions</legend>
        <div className="row">
          {RENDITIONS.map((r) => (
            <Checkbox
              key={r}
              label={r === 'source' ? 'source (passthrough)' : r}
              checked={v.ladder.includes(r)}
              onChange={() => toggle(r)}
            />
          ))}
        </div>
        <span className="hint small muted">Rungs above the input's resolution are skipped; nothing is upscaled.</span>
        {form.errors.ladder && (
          <span className="field-error" id="ladder-error">
            {form.errors.ladder}
          </span>
        )}
      </fieldset>
      <Checkbox
        label="Record sessions"
        hint="Each session is kept as a recording (VOD) you can play back."
        checked={v.recording}
        onChange={(e) => setV({ ...v, recording: e.target.checked })}
      />
      <Checkbox
        label="Encrypt segments (AES-128)"
        hint="A new key per session, handed only to viewers the playback policy admits."
        checked={v.encryption}
        onChange={(e) => setV({ ...v, encryption: e.target.checked })}
      />
      <TextField
        label="Reconnect window (seconds)"
        inputMode="numeric"
        value={v.reconnect_window}
        error={form.errors.reconnect_window}
        hint="0 to 1800. A publisher that comes back within it continues the same session."
        onChange={(e) => setV({ ...v, reconnect_window: e.target.value })}
      />
      <TextArea
        label="Metadata"
        rows={3}
        value={v.metadata}
        error={form.errors.metadata}
        placeholder="show=weekly"
        hint="Your own key=value pairs, one per line (up to 50), returned with the stream."
        onChange={(e) => setV({ ...v, metadata: e.target.value })}
      />
      <div>
        <button type="submit" className="primary" disabled={pending}>
          {pending ? 'Saving…' : submitLabel}
        </button>
      </div>
    </form>
  );
}
