import { Link, useParams } from 'react-router';
import { useApp } from '../../features/apps/apps.queries';
import { useApiKeys } from '../../features/keys/api-keys.queries';
import { useSigningKeys } from '../../features/keys/signing-keys.queries';
import { formatDate } from '../../ui/format';
import { PageHeader } from '../../ui/page-header';
import { QueryView } from '../../ui/states';

/** Where a new app starts: what is set up, what is next. */
function GettingStarted({ appId }: { appId: string }) {
  const keys = useApiKeys(appId);
  const signing = useSigningKeys(appId);
  const step = (done: boolean | undefined, text: string, to: string) => (
    <li>
      <span aria-hidden="true">{done ? '✓ ' : '○ '}</span>
      <span className="visually-hidden">{done ? 'Done: ' : 'To do: '}</span>
      <Link to={to}>{text}</Link>
    </li>
  );
  const base = `/apps/${appId}`;
  return (
    <section className="panel" aria-labelledby="gs-h">
      <h2 id="gs-h">Getting started</h2>
      <ol className="stack" style={{ paddingLeft: 20, margin: 0 }}>
        {step(
          keys.data?.data.some((k) => k.status === 'active'),
          'Create an API key for your backend',
          `${base}/api-keys`,
        )}
        {step(
          signing.data && signing.data.data.length > 0,
          'Create a signing key for playback and chat tokens',
          `${base}/signing-keys`,
        )}
        {step(undefined, 'Create a live stream and point OBS at it', `${base}/streams`)}
        {step(undefined, 'Add a webhook endpoint for events', `${base}/webhooks`)}
      </ol>
    </section>
  );
}

export function AppOverviewPage() {
  const { appId = '' } = useParams();
  const app = useApp(appId);
  return (
    <QueryView query={app}>
      {(a) => (
        <>
          <PageHeader
            title={a.name}
            description={
              a.description || (
                <>
                  App id <code>{a.id}</code> · created {formatDate(a.created_at)}
                </>
              )
            }
            actions={a.status === 'archived' && <span className="badge off">archived</span>}
          />
          {a.status === 'archived' && (
            <div className="alert warn" role="status">
              This app is archived: its API keys are refused. Unarchive it in{' '}
              <Link to={`/apps/${a.id}/settings`}>settings</Link>.
            </div>
          )}
          <GettingStarted appId={a.id} />
        </>
      )}
    </QueryView>
  );
}
