import { type FormEvent, useState } from 'react';
import { useClearMaintenance, useMaintenance, useSetMaintenance } from '../../features/admin/platform.queries';
import { SelectField, TextArea, TextField } from '../../ui/field';
import { formatDate } from '../../ui/format';
import { FormError } from '../../ui/states';

const LEVELS = [
  ['info', 'Info: planned work ahead'],
  ['warning', 'Warning: work under way, things may fail'],
] as const;

/** The maintenance banner: every console user sees it while it is up; setting it is audited. */
export function AdminMaintenance() {
  const current = useMaintenance();
  const set = useSetMaintenance();
  const clear = useClearMaintenance();
  const [message, setMessage] = useState('');
  const [level, setLevel] = useState<'info' | 'warning'>('info');
  // A datetime-local value is the operator's local time; the API takes an instant.
  const [until, setUntil] = useState('');

  const submit = (e: FormEvent) => {
    e.preventDefault();
    set.mutate(
      { message, level, ends_at: until ? new Date(until).toISOString() : null },
      { onSuccess: () => setMessage('') },
    );
  };

  return (
    <section aria-labelledby="admin-maintenance-h">
      <h2 id="admin-maintenance-h">Maintenance banner</h2>
      {current.data ? (
        <p>
          Up now: <strong>{current.data.message}</strong> ({current.data.level}
          {current.data.ends_at ? `, until ${formatDate(current.data.ends_at)}` : ''}).{' '}
          <button type="button" disabled={clear.isPending} onClick={() => clear.mutate()}>
            Take it down
          </button>
        </p>
      ) : (
        <p className="muted">No banner is up.</p>
      )}
      <form onSubmit={submit} className="form" aria-label="Put up a maintenance banner">
        <FormError error={set.error ?? clear.error} />
        <TextArea
          label="Message"
          required
          maxLength={500}
          value={message}
          onChange={(e) => setMessage(e.target.value)}
        />
        <SelectField
          label="Level"
          options={LEVELS}
          value={level}
          onChange={(e) => setLevel(e.target.value as 'info' | 'warning')}
        />
        <TextField
          label="Until (optional)"
          hint="After this time the banner is no longer shown."
          type="datetime-local"
          value={until}
          onChange={(e) => setUntil(e.target.value)}
        />
        <button type="submit" className="primary" disabled={set.isPending || !message.trim()}>
          {current.data ? 'Replace the banner' : 'Put up the banner'}
        </button>
      </form>
    </section>
  );
}
