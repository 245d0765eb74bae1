import { Link } from 'react-router';
import { useChannel } from './channels.queries';

/** On a stream's page: its channel's watch page, or where to put the stream on a channel. */
export function OpenWatchPage({ appId, channelId }: { appId: string; channelId: string | null }) {
  const channel = useChannel(appId, channelId ?? '', { enabled: !!channelId });
  if (!channelId)
    return (
      <Link className="button" to={`/apps/${appId}/channels`} title="Put this stream on a channel to get a watch page">
        Put on a channel
      </Link>
    );
  if (!channel.data) return null;
  return (
    <a className="button" href={channel.data.watch_url} target="_blank" rel="noopener">
      Open watch page
    </a>
  );
}
