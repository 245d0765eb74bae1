import { useParams } from 'react-router';
import { AnalyticsView } from '../../features/analytics/analytics-view';
import { PageHeader } from '../../ui/page-header';

/**
 * Viewer analytics of one asset (a recording, an upload or a clip), from the beacons its playback
 * ids' players send. Reached from the app's Analytics page (breakdown by stream or asset).
 */
export function AssetAnalyticsPage() {
  const { appId = '', assetId = '' } = useParams();
  return (
    <>
      <PageHeader
        crumbs={[[`/apps/${appId}/analytics`, 'Analytics']]}
        title="Asset analytics"
        description={<code>{assetId}</code>}
      />
      <AnalyticsView appId={appId} assetId={assetId} />
    </>
  );
}
