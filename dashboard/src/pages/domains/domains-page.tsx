import { type FormEvent, useState } from 'react';
import { useParams } from 'react-router';
import '../../features/channels/channels.css';
import { ApiRequestError } from '../../api/errors';
import {
  type Domain,
  useAddDomain,
  useDeleteDomain,
  useDomains,
  useVerifyDomain,
} from '../../features/domains/domains.queries';
import { ConfirmButton } from '../../ui/confirm-button';
import { CopyButton } from '../../ui/copy-button';
import { TextField } from '../../ui/field';
import { PageHeader } from '../../ui/page-header';
import { Empty, FormError, QueryView } from '../../ui/states';

/** What the last verify said about a pending domain, in words. */
function notYet(err: unknown): string | null {
  if (!(err instanceof ApiRequestError)) return null;
  if (err.code !== 'domain_not_verified') return err.message;
  const d = (err.details ?? {}) as { found?: string[]; provider_status?: string };
  if (d.provider_status)
    return `Cloudflare says "${d.provider_status}". Add the record and try again in a few minutes.`;
  return d.found?.length
    ? `Found ${d.found.length} TXT value(s), none of them this one.`
    : 'No TXT record found yet (DNS can take a few minutes).';
}

function DomainRow({ appId, d }: { appId: string; d: Domain }) {
  const verify = useVerifyDomain(appId);
  const remove = useDeleteDomain(appId);
  return (
    <li className="panel stack" aria-label={d.hostname}>
      <div className="row" style={{ justifyContent: 'space-between' }}>
        <strong>{d.hostname}</strong>
        <span className={`badge ${d.status === 'verified' ? 'ok' : 'warn'}`}>{d.status}</span>
      </div>
      {d.status === 'pending' ? (
        <>
          <p className="small">Add this TXT record at the domain’s DNS provider, then check it:</p>
          <div className="record">
            <span className="muted">Type</span>
            <code>TXT</code>
            <span className="muted">Name</span>
            <span>
              <code>{d.verification.name}</code> <CopyButton value={d.verification.name} />
            </span>
            <span className="muted">Value</span>
            <span>
              <code>{d.verification.value}</code> <CopyButton value={d.verification.value} />
            </span>
            {d.cname_target && (
              <>
                <span className="muted">Then</span>
                <span>
                  point <code>{d.hostname}</code> (CNAME) at <code>{d.cname_target}</code>
                </span>
              </>
            )}
          </div>
          {verify.error ? (
            <div className="alert warn" role="status">
              {notYet(verify.error)}
            </div>
          ) : null}
        </>
      ) : (
        <p className="small">
          Watch pages: <code>{d.watch_url_prefix}&lt;channel slug&gt;</code>
          {d.provider ? ' (routed by Cloudflare for SaaS)' : ''}
        </p>
      )}
      <FormError error={remove.error} />
      <div className="row">
        {d.status === 'pending' && (
          <button type="button" className="primary" disabled={verify.isPending} onClick={() => verify.mutate(d.id)}>
            {verify.isPending ? 'Checking…' : 'Verify'}
          </button>
        )}
        <ConfirmButton
          title="Remove domain"
          confirmLabel="Remove"
          message={
            <>
              Remove <strong>{d.hostname}</strong>? Its watch pages stop answering at once.
            </>
          }
          onConfirm={() => remove.mutate(d.id)}
        >
          Remove
        </ConfirmButton>
      </div>
    </li>
  );
}

export function DomainsPage() {
  const { appId = '' } = useParams();
  const domains = useDomains(appId);
  const add = useAddDomain(appId);
  const [hostname, setHostname] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (hostname.trim()) add.mutate(hostname.trim(), { onSuccess: () => setHostname('') });
  };
  return (
    <>
      <PageHeader
        title="Custom domains"
        description="Serve your channels’ watch pages on your own domain, in your branding."
      />
      <form className="panel form" onSubmit={submit} aria-label="Add a domain" noValidate>
        <FormError error={add.error} />
        <TextField
          label="Hostname"
          placeholder="watch.example.com"
          hint="No https:// and no path: the name alone."
          value={hostname}
          onChange={(e) => setHostname(e.target.value)}
        />
        <div className="row">
          <button className="primary" type="submit" disabled={add.isPending || !hostname.trim()}>
            Add domain
          </button>
        </div>
      </form>
      <QueryView query={domains}>
        {(page) =>
          page.data.length === 0 ? (
            <Empty title="No custom domains yet" />
          ) : (
            <ul className="plain-list" aria-label="Domains">
              {page.data.map((d) => (
                <DomainRow key={d.id} appId={appId} d={d} />
              ))}
            </ul>
          )
        }
      </QueryView>
    </>
  );
}
