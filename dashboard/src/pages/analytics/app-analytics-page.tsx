import { useParams } from 'react-router';
import { AnalyticsView } from '../../features/analytics/analytics-view';
import { PageHeader } from '../../ui/page-header';

/** Viewer analytics and chat activity of the whole app. */
export function AppAnalyticsPage() {
  const { appId = '' } = useParams();
  return (
    <>
      <PageHeader
        title="Analytics"
        description="Views, watch time, quality of experience and chat activity, from the players' beacons."
      />
      <AnalyticsView appId={appId} />
    </>
  );
}
