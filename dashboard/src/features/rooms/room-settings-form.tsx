import { type FormEvent, useState } from 'react';
import { useFormErrors } from '../../forms/use-form-errors';
import { collect, intInRange } from '../../forms/validators';
import { Checkbox, SelectField, TextArea, TextField } from '../../ui/field';
import { FormError } from '../../ui/states';
import type { Room, RoomSettingsPatch } from './rooms.queries';

type Field = 'max_len' | 'retention';

/**
 * Limits, blocklist and anonymous viewers; an empty retention means "keep". Slow mode is not here:
 * it is set from the chat's moderation bar, where moderators change it during a stream, and a
 * second copy in this form would send back the value it was opened with over a newer one.
 */
export function RoomSettingsForm({
  room,
  pending,
  error,
  onSubmit,
}: {
  room: Room;
  pending: boolean;
  error: unknown;
  onSubmit: (s: RoomSettingsPatch) => void;
}) {
  const s = room.settings;
  const [v, setV] = useState({
    max_len: String(s.max_message_length),
    retention: s.retention_days == null ? '' : String(s.retention_days),
    words: s.blocklist.words.join('\n'),
    action: s.blocklist.action,
    anonymous_read: s.anonymous_read,
  });
  const form = useFormErrors<Field>();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const ok = form.check(
      collect({
        max_len: intInRange(v.max_len, 1, 4000, 'Maximum message length'),
        retention: v.retention.trim() ? intInRange(v.retention, 1, 3650, 'Retention') : undefined,
      }),
    );
    if (!ok) return;
    onSubmit({
      max_message_length: Number(v.max_len),
      retention_days: v.retention.trim() ? Number(v.retention) : null,
      blocklist: {
        words: v.words
          .split('\n')
          .map((w) => w.trim())
          .filter(Boolean),
        action: v.action,
      },
      anonymous_read: v.anonymous_read,
    });
  };
  return (
    <form className="form" onSubmit={submit} noValidate aria-label="Room settings">
      <FormError error={error} />
      <TextField
        label="Maximum message length"
        inputMode="numeric"
        value={v.max_len}
        error={form.errors.max_len}
        onChange={(e) => setV({ ...v, max_len: e.target.value })}
      />
      <TextArea
        label="Blocked words"
        rows={3}
        hint="One per line."
        value={v.words}
        onChange={(e) => setV({ ...v, words: e.target.value })}
      />
      <SelectField
        label="When a message has a blocked word"
        value={v.action}
        options={[
          ['block', 'Refuse it'],
          ['flag', 'Deliver it and flag it for review'],
        ]}
        onChange={(e) => setV({ ...v, action: e.target.value === 'flag' ? 'flag' : 'block' })}
      />
      <TextField
        label="Keep messages for (days)"
        inputMode="numeric"
        hint="Empty keeps them."
        value={v.retention}
        error={form.errors.retention}
        onChange={(e) => setV({ ...v, retention: e.target.value })}
      />
      <Checkbox
        label="Anonymous viewers may read"
        checked={v.anonymous_read}
        onChange={(e) => setV({ ...v, anonymous_read: e.target.checked })}
      />
      <div>
        <button type="submit" className="primary" disabled={pending}>
          {pending ? 'Saving…' : 'Save room settings'}
        </button>
      </div>
    </form>
  );
}
