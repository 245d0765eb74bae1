import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { type Upload, useCancelUpload, useUploads } from '../../features/assets/assets.queries';
import { UploadPanel } from '../../features/assets/upload-panel';
import { ConfirmButton } from '../../ui/confirm-button';
import { formatDate } from '../../ui/format';
import { type Column, ListTable } from '../../ui/list-table';
import { PageHeader } from '../../ui/page-header';
import { Empty, FormError } from '../../ui/states';

const open = (status: string) => status === 'waiting' || status === 'uploading';

const COLUMNS = (appId: string): Column<Upload>[] => [
  { header: 'Upload', cell: (u) => <code>{u.id}</code> },
  {
    header: 'Status',
    cell: (u) => (
      <>
        <span className={`badge ${u.status === 'asset_created' ? 'ok' : open(u.status) ? 'warn' : 'off'}`}>
          {u.status.replace('_', ' ')}
        </span>
        {u.error && <div className="small">{u.error.reason}</div>}
      </>
    ),
  },
  {
    header: 'Received',
    cell: (u) => (
      <>
        {(u.offset / 1024 / 1024).toFixed(1)}
        {u.length != null ? ` of ${(u.length / 1024 / 1024).toFixed(1)}` : ''} MB
      </>
    ),
  },
  {
    header: 'Asset',
    cell: (u) =>
      u.asset_id ? (
        <Link to={`/apps/${appId}/assets/${u.asset_id}`}>
          <code>{u.asset_id}</code>
        </Link>
      ) : (
        '—'
      ),
  },
  { header: 'Created', cell: (u) => formatDate(u.created_at) },
];

/** Direct uploads: send a file from here, and follow every upload URL the app handed out. */
export function UploadsPage() {
  const { appId = '' } = useParams();
  const [sending, setSending] = useState(false);
  const uploads = useUploads(appId, sending);
  const cancel = useCancelUpload(appId);
  return (
    <>
      <PageHeader
        title="Uploads"
        description="Direct uploads over tus: from this page, or from your users' browsers with the URL POST /v1/uploads answers."
      />
      <UploadPanel appId={appId} onSendingChange={setSending} />
      <FormError error={cancel.error} />
      <ListTable
        query={uploads}
        label="Uploads"
        columns={COLUMNS(appId)}
        rowKey={(u) => u.id}
        actions={(u) =>
          open(u.status) && (
            <ConfirmButton
              title="Cancel upload"
              confirmLabel="Cancel upload"
              message="The bytes received so far are deleted and the URL stops working."
              onConfirm={() => cancel.mutate(u.id)}
            >
              Cancel
            </ConfirmButton>
          )
        }
        empty={<Empty title="No uploads yet" />}
      />
    </>
  );
}
