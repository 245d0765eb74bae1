import { type FormEvent, useState } from 'react';
import { errorMessage } from '../../api/errors';
import { downloadText } from '../../ui/download';
import { TextField } from '../../ui/field';
import { formatDate } from '../../ui/format';
import { Empty, ErrorState, Loading } from '../../ui/states';
import { type AuditFilters, type AuditScope, fetchAuditCsv, useAuditLog } from './audit.queries';

const EMPTY: Required<AuditFilters> = {
  action: '',
  resource_type: '',
  resource_id: '',
  actor_id: '',
  since: '',
  until: '',
};

/** `<input type="datetime-local">` speaks local time without a zone; the API wants ISO 8601 UTC. */
const toIso = (local: string) => (local ? new Date(local).toISOString() : '');

export function AuditLogView({ scope }: { scope: AuditScope }) {
  const [draft, setDraft] = useState(EMPTY);
  const [applied, setApplied] = useState<AuditFilters>({});
  const [csvError, setCsvError] = useState<unknown>(null);
  const [exporting, setExporting] = useState(false);
  const log = useAuditLog(scope, applied);
  const set = (k: keyof AuditFilters) => (e: { target: { value: string } }) =>
    setDraft({ ...draft, [k]: e.target.value });

  const apply = (e: FormEvent) => {
    e.preventDefault();
    setApplied({ ...draft, since: toIso(draft.since), until: toIso(draft.until) });
  };
  const exportCsv = async () => {
    setCsvError(null);
    setExporting(true);
    try {
      downloadText('audit-log.csv', await fetchAuditCsv(scope, applied), 'text/csv');
    } catch (err) {
      setCsvError(err);
    } finally {
      setExporting(false);
    }
  };
  const rows = log.data?.pages.flatMap((p) => p.data) ?? [];

  return (
    <>
      <form className="panel" onSubmit={apply} aria-label="Filter the audit log">
        <div className="filters">
          <TextField label="Action" placeholder="api_key.create" value={draft.action} onChange={set('action')} />
          <TextField
            label="Resource type"
            placeholder="api_key"
            value={draft.resource_type}
            onChange={set('resource_type')}
          />
          <TextField label="Resource id" value={draft.resource_id} onChange={set('resource_id')} />
          <TextField label="Actor id" placeholder="usr_… or key_…" value={draft.actor_id} onChange={set('actor_id')} />
          <TextField label="Since" type="datetime-local" value={draft.since} onChange={set('since')} />
          <TextField label="Until" type="datetime-local" value={draft.until} onChange={set('until')} />
        </div>
        <div className="row">
          <button type="submit" className="primary">
            Apply filters
          </button>
          <button
            type="button"
            onClick={() => {
              setDraft(EMPTY);
              setApplied({});
            }}
          >
            Clear
          </button>
          <button type="button" onClick={() => void exportCsv()} disabled={exporting}>
            {exporting ? 'Exporting…' : 'Export CSV'}
          </button>
        </div>
        {csvError !== null && (
          <div className="alert error" role="alert" style={{ marginTop: 12 }}>
            CSV export failed: {errorMessage(csvError)}
          </div>
        )}
      </form>
      {log.isPending ? (
        <Loading />
      ) : log.error ? (
        <ErrorState error={log.error} retry={() => void log.refetch()} />
      ) : rows.length === 0 ? (
        <Empty title="No entries">
          <p>
            {Object.keys(applied).some((k) => applied[k as keyof AuditFilters])
              ? 'Nothing matches these filters.'
              : 'Changes made in this scope will be listed here.'}
          </p>
        </Empty>
      ) : (
        <>
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th>When</th>
                  <th>Action</th>
                  <th>Resource</th>
                  <th>Actor</th>
                  <th>IP</th>
                  <th>Result</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.id}>
                    <td>{formatDate(r.created_at)}</td>
                    <td>
                      <code>{r.action}</code>
                    </td>
                    <td>
                      {r.resource_type}
                      {r.resource_id && (
                        <div className="small">
                          <code>{r.resource_id}</code>
                        </div>
                      )}
                    </td>
                    <td>
                      {r.actor_type}
                      <div className="small">
                        <code>{r.actor_id}</code>
                      </div>
                    </td>
                    <td>{r.ip ?? '—'}</td>
                    <td>
                      <span className={`badge ${r.success ? 'ok' : 'warn'}`}>{r.success ? 'ok' : 'failed'}</span>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {log.hasNextPage && (
            <button type="button" onClick={() => void log.fetchNextPage()} disabled={log.isFetchingNextPage}>
              {log.isFetchingNextPage ? 'Loading…' : 'Load older entries'}
            </button>
          )}
        </>
      )}
    </>
  );
}
