import { Link, useParams } from 'react-router';
import { useCancelUpload, useUploads } from '../../features/assets/assets.queries';
import { UploadPanel } from '../../features/assets/upload-panel';
import { ConfirmButton } from '../../ui/confirm-button';
import { formatDate } from '../../ui/format';
import { PageHeader } from '../../ui/page-header';
import { Empty, FormError, QueryView } from '../../ui/states';

const open = (status: string) => status === 'waiting' || status === 'uploading';

/** Direct uploads: send a file from here, and follow every upload URL the app handed out. */
export function UploadsPage() {
  const { appId = '' } = useParams();
  const uploads = useUploads(appId);
  const cancel = useCancelUpload(appId);
  return (
    <>
      <PageHeader
        title="Uploads"
        description="Direct uploads over tus: from this page, or from your users' browsers with the URL POST /v1/uploads answers."
      />
      <UploadPanel appId={appId} />
      <FormError error={cancel.error} />
      <QueryView query={uploads}>
        {(page) =>
          page.data.length === 0 ? (
            <Empty title="No uploads yet" />
          ) : (
            <div className="table-wrap">
              <table aria-label="Uploads">
                <thead>
                  <tr>
                    <th>Upload</th>
                    <th>Status</th>
                    <th>Received</th>
                    <th>Asset</th>
                    <th>Created</th>
                    <th />
                  </tr>
                </thead>
                <tbody>
                  {page.data.map((u) => (
                    <tr key={u.id}>
                      <td>
                        <code>{u.id}</code>
                      </td>
                      <td>
                        <span
                          className={`badge ${u.status === 'asset_created' ? 'ok' : open(u.status) ? 'warn' : 'off'}`}
                        >
                          {u.status.replace('_', ' ')}
                        </span>
                        {u.error && <div className="small">{u.error.reason}</div>}
                      </td>
                      <td>
                        {(u.offset / 1024 / 1024).toFixed(1)}
                        {u.length != null ? ` of ${(u.length / 1024 / 1024).toFixed(1)}` : ''} MB
                      </td>
                      <td>
                        {u.asset_id ? (
                          <Link to={`/apps/${appId}/assets/${u.asset_id}`}>
                            <code>{u.asset_id}</code>
                          </Link>
                        ) : (
                          '—'
                        )}
                      </td>
                      <td>{formatDate(u.created_at)}</td>
                      <td>
                        {open(u.status) && (
                          <ConfirmButton
                            title="Cancel upload"
                            confirmLabel="Cancel upload"
                            message="The bytes received so far are deleted and the URL stops working."
                            onConfirm={() => cancel.mutate(u.id)}
                          >
                            Cancel
                          </ConfirmButton>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </QueryView>
    </>
  );
}
