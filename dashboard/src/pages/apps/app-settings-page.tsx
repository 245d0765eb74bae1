import { type FormEvent, useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import {
  type App,
  type AppSettings,
  useApp,
  useArchiveApp,
  useDeleteApp,
  useUpdateApp,
} from '../../features/apps/apps.queries';
import { useFormErrors } from '../../forms/use-form-errors';
import { collect, maxLength, required } from '../../forms/validators';
import { ConfirmButton } from '../../ui/confirm-button';
import { Checkbox, SelectField, TextArea, TextField } from '../../ui/field';
import { PageHeader } from '../../ui/page-header';
import { FormError, QueryView } from '../../ui/states';

type Quality = NonNullable<AppSettings['max_quality']>;
const QUALITIES = [
  ['', 'No limit (up to the source)'],
  ['2160p', '2160p (4K)'],
  ['1440p', '1440p'],
  ['1080p', '1080p'],
  ['720p', '720p'],
  ['480p', '480p'],
  ['360p', '360p'],
  ['240p', '240p'],
] as const;

function SettingsForm({ app }: { app: App }) {
  const update = useUpdateApp(app.id);
  const form = useFormErrors<'name' | 'description' | 'referrers'>();
  const [v, setV] = useState({
    name: app.name,
    description: app.description,
    max_quality: app.settings.max_quality ?? '',
    referrers: (app.settings.allowed_referrers ?? []).join('\n'),
    allow_no_referrer: app.settings.allow_no_referrer ?? true,
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const referrers = v.referrers
      .split(/\s+/)
      .map((r) => r.trim())
      .filter(Boolean);
    const badRef = referrers.find((r) => r.length > 253);
    const ok = form.check(
      collect({
        name: required(v.name, 'Name') ?? maxLength(v.name, 100, 'Name'),
        description: maxLength(v.description, 500, 'Description'),
        referrers:
          referrers.length > 100
            ? 'At most 100 referrers.'
            : badRef
              ? `"${badRef.slice(0, 30)}…" is too long.`
              : undefined,
      }),
    );
    if (!ok) return;
    const settings: AppSettings = {
      allowed_referrers: referrers,
      allow_no_referrer: v.allow_no_referrer,
      ...(v.max_quality ? { max_quality: v.max_quality as Quality } : {}),
    };
    update.mutate({ name: v.name.trim(), description: v.description.trim(), settings }, { onError: form.fromApi });
  };
  return (
    <form className="form" onSubmit={submit} noValidate aria-label="App settings">
      <FormError error={update.error} />
      {update.isSuccess && (
        <div className="alert info" role="status">
          Saved.
        </div>
      )}
      <TextField
        label="Name"
        value={v.name}
        error={form.errors.name}
        onChange={(e) => setV({ ...v, name: e.target.value })}
      />
      <TextArea
        label="Description"
        rows={2}
        value={v.description}
        error={form.errors.description}
        onChange={(e) => setV({ ...v, description: e.target.value })}
      />
      <SelectField
        label="Maximum stream quality"
        hint="The highest rendition streams of this app may produce; the API refuses more."
        value={v.max_quality}
        options={QUALITIES}
        onChange={(e) => setV({ ...v, max_quality: e.target.value })}
      />
      <TextArea
        label="Allowed referrers for playback"
        rows={3}
        hint="One domain per line (e.g. example.com or *.example.com). Empty allows any site."
        value={v.referrers}
        error={form.errors.referrers}
        onChange={(e) => setV({ ...v, referrers: e.target.value })}
      />
      <Checkbox
        label="Allow playback without a Referer header"
        hint="Native apps and some privacy settings send none."
        checked={v.allow_no_referrer}
        onChange={(e) => setV({ ...v, allow_no_referrer: e.target.checked })}
      />
      <div>
        <button type="submit" className="primary" disabled={update.isPending}>
          {update.isPending ? 'Saving…' : 'Save settings'}
        </button>
      </div>
    </form>
  );
}

function DangerZone({ app }: { app: App }) {
  const archive = useArchiveApp(app.id);
  const remove = useDeleteApp(app.id);
  const navigate = useNavigate();
  const archived = app.status === 'archived';
  return (
    <section className="panel" aria-labelledby="danger-h">
      <h2 id="danger-h">Danger zone</h2>
      <FormError error={archive.error ?? remove.error} />
      <div className="stack">
        <div className="row">
          {archived ? (
            <button type="button" onClick={() => archive.mutate(false)} disabled={archive.isPending}>
              Unarchive app
            </button>
          ) : (
            <ConfirmButton
              title="Archive app"
              confirmLabel="Archive"
              message={
                <>
                  The API keys of <strong>{app.name}</strong> stop working until you unarchive it.
                </>
              }
              onConfirm={() => archive.mutate(true)}
            >
              Archive app
            </ConfirmButton>
          )}
          <span className="small muted">
            {archived
              ? 'This app is archived: its API keys are refused.'
              : 'Archiving keeps everything and can be undone.'}
          </span>
        </div>
        <div className="row">
          <ConfirmButton
            title="Delete app"
            confirmLabel="Delete forever"
            message={
              <>
                Delete <strong>{app.name}</strong> and everything in it: streams, recordings, rooms, keys and webhooks.
                This cannot be undone.
              </>
            }
            onConfirm={() => remove.mutate(undefined, { onSuccess: () => void navigate(`/orgs/${app.org_id}/apps`) })}
          >
            Delete app
          </ConfirmButton>
        </div>
      </div>
    </section>
  );
}

export function AppSettingsPage() {
  const { appId = '' } = useParams();
  const app = useApp(appId);
  return (
    <QueryView query={app}>
      {(a) => (
        <>
          <PageHeader
            title="Settings"
            description={
              <>
                App id <code>{a.id}</code>
              </>
            }
          />
          <section className="panel">
            <SettingsForm key={a.updated_at} app={a} />
          </section>
          <DangerZone app={a} />
        </>
      )}
    </QueryView>
  );
}
