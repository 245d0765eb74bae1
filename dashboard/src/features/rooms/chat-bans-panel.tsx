import { type FormEvent, useState } from 'react';
import { useFormErrors } from '../../forms/use-form-errors';
import { collect, intInRange, maxLength, required } from '../../forms/validators';
import { TextField } from '../../ui/field';
import { formatDate } from '../../ui/format';
import { type Column, ListTable } from '../../ui/list-table';
import { FormError } from '../../ui/states';
import { type ChatBan, useChatBans, useCreateChatBan, useLiftChatBan } from './chat-bans.queries';

const COLUMNS: Column<ChatBan>[] = [
  { header: 'User', cell: (b) => <code>{b.user_id}</code> },
  { header: 'Reason', cell: (b) => b.reason ?? '—' },
  { header: 'Until', cell: (b) => (b.until ? formatDate(b.until) : 'until lifted') },
];

/** App-wide chat bans: a user (the chat token's `sub`) banned here is out of every room of the app. */
export function ChatBansPanel({ appId }: { appId: string }) {
  const bans = useChatBans(appId);
  const create = useCreateChatBan(appId);
  const lift = useLiftChatBan(appId);
  const [v, setV] = useState({ user_id: '', reason: '', minutes: '' });
  const form = useFormErrors<'user_id' | 'reason' | 'minutes'>();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const ok = form.check(
      collect({
        user_id: required(v.user_id, 'User id') ?? maxLength(v.user_id, 64, 'User id'),
        reason: maxLength(v.reason, 500, 'Reason'),
        minutes: v.minutes.trim() ? intInRange(v.minutes, 1, 525_600, 'Minutes') : undefined,
      }),
    );
    if (!ok) return;
    create.mutate(
      {
        user_id: v.user_id.trim(),
        ...(v.reason.trim() ? { reason: v.reason.trim() } : {}),
        ...(v.minutes.trim() ? { duration_seconds: Number(v.minutes) * 60 } : {}),
      },
      { onSuccess: () => setV({ user_id: '', reason: '', minutes: '' }), onError: form.fromApi },
    );
  };
  return (
    <section className="panel" aria-labelledby="chat-bans-h">
      <h2 id="chat-bans-h">App-wide bans</h2>
      <p className="small muted">Banned users are disconnected from every room of this app and cannot rejoin any.</p>
      <form onSubmit={submit} noValidate aria-label="Ban from every room">
        <FormError error={create.error ?? lift.error} />
        <div className="filters">
          <TextField
            label="User id"
            value={v.user_id}
            error={form.errors.user_id}
            onChange={(e) => setV({ ...v, user_id: e.target.value })}
          />
          <TextField
            label="Reason"
            value={v.reason}
            error={form.errors.reason}
            onChange={(e) => setV({ ...v, reason: e.target.value })}
          />
          <TextField
            label="Minutes (empty: until lifted)"
            inputMode="numeric"
            value={v.minutes}
            error={form.errors.minutes}
            onChange={(e) => setV({ ...v, minutes: e.target.value })}
          />
          <div>
            <button type="submit" className="primary" disabled={create.isPending}>
              Ban everywhere
            </button>
          </div>
        </div>
      </form>
      <ListTable
        query={bans}
        label="App-wide bans"
        columns={COLUMNS}
        rowKey={(b) => b.user_id}
        actions={(b) => (
          <button type="button" onClick={() => lift.mutate(b.user_id)} disabled={lift.isPending}>
            Lift
          </button>
        )}
        empty={<p className="small muted">No app-wide bans.</p>}
      />
    </section>
  );
}
