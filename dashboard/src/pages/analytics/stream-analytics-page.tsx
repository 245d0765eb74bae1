import { useParams } from 'react-router';
import { AnalyticsView } from '../../features/analytics/analytics-view';
import { useStream } from '../../features/streams/streams.queries';
import { PageHeader } from '../../ui/page-header';

/** Viewer analytics and chat activity of one stream. */
export function StreamAnalyticsPage() {
  const { appId = '', streamId = '' } = useParams();
  const stream = useStream(appId, streamId);
  return (
    <>
      <PageHeader
        crumbs={[
          [`/apps/${appId}/streams`, 'Live streams'],
          [`/apps/${appId}/streams/${streamId}`, stream.data?.name ?? streamId],
        ]}
        title="Stream analytics"
        description={<code>{streamId}</code>}
      />
      <AnalyticsView appId={appId} streamId={streamId} />
    </>
  );
}
