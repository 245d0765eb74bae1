import { Link, useParams } from 'react-router';
import { AssetStatus, assetOrigin, formatSeconds } from '../../features/assets/asset-status';
import { type Asset, type AssetSource, useAssets } from '../../features/assets/assets.queries';
import { StorageSummary } from '../../features/assets/storage-summary';
import { formatDate } from '../../ui/format';
import { type Column, ListTable } from '../../ui/list-table';
import { PageHeader } from '../../ui/page-header';
import { Empty } from '../../ui/states';

const TITLES: Record<'all' | AssetSource, [title: string, description: string, empty: string]> = {
  all: [
    'Assets',
    'Video on demand: recordings of live sessions, uploaded files and clips, each with its own playback ids.',
    'Record a live stream, upload a file or cut a clip, and it shows up here.',
  ],
  live_session: ['Recordings', 'The recordings of live sessions.', 'Streams with recording on leave one per session.'],
  upload: ['Uploaded assets', 'Files uploaded or imported.', 'Upload a file from the Uploads page.'],
  clip: [
    'Clips',
    'Ranges cut out of other assets (or the last seconds of a live stream), playable at once.',
    'Open an asset and cut a clip from it.',
  ],
};

const COLUMNS = (appId: string): Column<Asset>[] => [
  {
    header: 'Asset',
    cell: (a) => (
      <>
        <Link to={`/apps/${appId}/assets/${a.id}`}>
          <code>{a.id}</code>
        </Link>
        <div className="small muted">{assetOrigin(a)}</div>
      </>
    ),
  },
  { header: 'Status', cell: (a) => <AssetStatus status={a.status} /> },
  { header: 'Duration', cell: (a) => formatSeconds(a.duration) },
  { header: 'Resolution', cell: (a) => a.resolution ?? '—' },
  { header: 'Created', cell: (a) => formatDate(a.created_at) },
];

/** Every asset of the app, or one source of them (the Clips page is this list, clips only). */
export function AssetsPage({ source = null }: { source?: AssetSource | null }) {
  const { appId = '' } = useParams();
  const assets = useAssets(appId, source);
  const [title, description, empty] = TITLES[source ?? 'all'];
  return (
    <>
      <PageHeader
        title={title}
        description={description}
        actions={
          <Link className="button primary" to={`/apps/${appId}/uploads`}>
            Upload a video
          </Link>
        }
      />
      {source === null && <StorageSummary appId={appId} />}
      <ListTable
        query={assets}
        label={title}
        columns={COLUMNS(appId)}
        rowKey={(a) => a.id}
        empty={
          <Empty title={`No ${title.toLowerCase()} yet`}>
            <p>{empty}</p>
          </Empty>
        }
      />
    </>
  );
}
