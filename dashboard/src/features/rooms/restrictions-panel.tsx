import { type FormEvent, useState } from 'react';
import { useFormErrors } from '../../forms/use-form-errors';
import { collect, intInRange } from '../../forms/validators';
import { SelectField, TextField } from '../../ui/field';
import { formatDate } from '../../ui/format';
import { FormError, QueryView } from '../../ui/states';
import { type RestrictionKind, useLift, useRestrict, useRestrictions } from './rooms.queries';

const KINDS: readonly (readonly [RestrictionKind, string])[] = [
  ['bans', 'Ban'],
  ['mutes', 'Mute / timeout'],
  ['shadow-bans', 'Shadow ban'],
];
/** The server's user id rule (shared protocol): 1-64 of A-Z a-z 0-9 _ . : @ | - */
const USER_ID = /^[A-Za-z0-9_.:@|-]{1,64}$/;

function RestrictForm({ appId, roomId }: { appId: string; roomId: string }) {
  const [v, setV] = useState({ kind: 'bans' as RestrictionKind, user_id: '', minutes: '' });
  const restrict = useRestrict(appId, roomId);
  const form = useFormErrors<'user_id' | 'minutes'>();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const ok = form.check(
      collect({
        user_id: USER_ID.test(v.user_id.trim()) ? undefined : 'Enter a user id (1-64 letters, digits or _ . : @ | -).',
        minutes: v.minutes.trim() ? intInRange(v.minutes, 1, 525_600, 'Duration') : undefined,
      }),
    );
    if (!ok) return;
    restrict.mutate(
      {
        kind: v.kind,
        user_id: v.user_id.trim(),
        ...(v.minutes.trim() ? { duration_seconds: Number(v.minutes) * 60 } : {}),
      },
      { onSuccess: () => setV({ ...v, user_id: '' }), onError: form.fromApi },
    );
  };
  return (
    <form onSubmit={submit} noValidate aria-label="Restrict a user">
      <FormError error={restrict.error} />
      <div className="filters">
        <SelectField
          label="Action"
          value={v.kind}
          options={KINDS}
          onChange={(e) => setV({ ...v, kind: e.target.value as RestrictionKind })}
        />
        <TextField
          label="User id"
          value={v.user_id}
          error={form.errors.user_id}
          onChange={(e) => setV({ ...v, user_id: e.target.value })}
        />
        <TextField
          label="Duration (minutes)"
          hint="Empty: until lifted."
          inputMode="numeric"
          value={v.minutes}
          error={form.errors.minutes}
          onChange={(e) => setV({ ...v, minutes: e.target.value })}
        />
        <div>
          <button type="submit" className="primary" disabled={restrict.isPending}>
            Apply
          </button>
        </div>
      </div>
    </form>
  );
}

function KindList({
  appId,
  roomId,
  kind,
  title,
}: {
  appId: string;
  roomId: string;
  kind: RestrictionKind;
  title: string;
}) {
  const list = useRestrictions(appId, roomId, kind);
  const lift = useLift(appId, roomId);
  return (
    <div>
      <h3>{title}</h3>
      <FormError error={lift.error} />
      <QueryView query={list}>
        {(rows) =>
          rows.length === 0 ? (
            <p className="small muted">None.</p>
          ) : (
            <ul className="stack" style={{ paddingLeft: 0, listStyle: 'none' }}>
              {rows.map((r) => (
                <li key={r.user_id} className="row">
                  <code>{r.user_id}</code>
                  <span className="small muted">
                    {r.until ? `until ${formatDate(r.until)}` : 'no end'}
                    {r.reason ? ` · ${r.reason}` : ''}
                  </span>
                  <button type="button" onClick={() => lift.mutate({ kind, user_id: r.user_id })}>
                    Lift
                  </button>
                </li>
              ))}
            </ul>
          )
        }
      </QueryView>
    </div>
  );
}

export function RestrictionsPanel({ appId, roomId }: { appId: string; roomId: string }) {
  return (
    <section className="panel" aria-labelledby="restr-h">
      <h2 id="restr-h">Bans and timeouts</h2>
      <RestrictForm appId={appId} roomId={roomId} />
      <div className="grid-2" style={{ marginTop: 12 }}>
        {KINDS.map(([k, label]) => (
          <KindList key={k} appId={appId} roomId={roomId} kind={k} title={label} />
        ))}
      </div>
    </section>
  );
}
