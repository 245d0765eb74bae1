import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { useHasChat } from '../../features/assets/asset-chat.queries';
import { AssetPlaybackIds } from '../../features/assets/asset-playback-ids';
import { AssetStatus, assetOrigin, formatSeconds } from '../../features/assets/asset-status';
import { type Asset, useAsset, useDeleteAsset } from '../../features/assets/assets.queries';
import { ChatReplayPanel } from '../../features/assets/chat-replay-panel';
import { ClipForm } from '../../features/assets/clip-form';
import { Mp4Panel } from '../../features/assets/mp4-panel';
import { HlsPlayer } from '../../features/player/hls-player';
import { playbackUrl } from '../../features/player/playback-url';
import { ConfirmButton } from '../../ui/confirm-button';
import { formatDate } from '../../ui/format';
import { PageHeader } from '../../ui/page-header';
import { FormError, QueryView } from '../../ui/states';

function Player({ asset, onVideo }: { asset: Asset; onVideo: (v: HTMLVideoElement | null) => void }) {
  const pb = asset.playback_ids.find((p) => p.policy === 'public');
  if (asset.status === 'preparing' && asset.source.type !== 'live_session')
    return (
      <p role="status">
        <span className="spinner" aria-hidden="true" /> Transcoding… it plays here once it is ready.
      </p>
    );
  if (asset.status === 'errored')
    return (
      <div className="alert error" role="alert">
        This asset failed: {asset.error?.reason ?? 'unknown reason'}
      </div>
    );
  return pb ? (
    <HlsPlayer src={playbackUrl(pb.id)} title={`${asset.id} player`} onVideo={onVideo} />
  ) : (
    <p className="muted">Add a public playback id to watch it here.</p>
  );
}

/** Where the asset came from, linked: the stream, the parent asset or the upload. */
function Source({ appId, asset }: { appId: string; asset: Asset }) {
  const s = asset.source;
  const text = assetOrigin(asset);
  // One line, cut with an ellipsis: ids and import URLs are long and break anywhere; the title holds it all.
  const props = { className: 'truncate', title: text };
  if (s.type === 'live_session' && s.stream_id)
    return (
      <Link {...props} to={`/apps/${appId}/streams/${s.stream_id}`}>
        {text}
      </Link>
    );
  if (s.type === 'clip' && s.parent_asset_id)
    return (
      <Link {...props} to={`/apps/${appId}/assets/${s.parent_asset_id}`}>
        {text}
      </Link>
    );
  return <span {...props}>{text}</span>;
}

function Facts({ appId, asset }: { appId: string; asset: Asset }) {
  const rows: [string, React.ReactNode][] = [
    ['Source', <Source key="s" appId={appId} asset={asset} />],
    ['Duration', formatSeconds(asset.duration)],
    ['Resolution', asset.resolution ?? '—'],
    ['Renditions', asset.renditions.join(', ') || '—'],
    ['Created', formatDate(asset.created_at)],
    ['Ready', formatDate(asset.ready_at)],
    ['Passthrough', asset.passthrough ?? '—'],
  ];
  return (
    <section className="panel" aria-labelledby="facts-h">
      <h2 id="facts-h">Details</h2>
      <dl className="facts" aria-label="Asset details">
        {rows.map(([k, v]) => (
          <div key={k} className="row">
            <dt className="muted" style={{ minWidth: 110 }}>
              {k}
            </dt>
            <dd style={{ margin: 0, minWidth: 0, flex: 1, display: 'flex' }}>{v}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

/** Its two rows: the player beside the chat replay (when the asset has chat) or the details. */
function AssetBody({ appId, asset: a }: { appId: string; asset: Asset }) {
  const [video, setVideo] = useState<HTMLVideoElement | null>(null);
  const hasChat = useHasChat(appId, a);
  return (
    <>
      <div className="grid-2">
        <section aria-labelledby="player-h" className="stack">
          <h2 id="player-h">Player</h2>
          <Player asset={a} onVideo={setVideo} />
        </section>
        {hasChat ? <ChatReplayPanel appId={appId} assetId={a.id} video={video} /> : <Facts appId={appId} asset={a} />}
      </div>
      <div className="grid-2">
        {hasChat && <Facts appId={appId} asset={a} />}
        <Mp4Panel appId={appId} asset={a} />
        <AssetPlaybackIds appId={appId} asset={a} />
      </div>
    </>
  );
}

export function AssetPage() {
  const { appId = '', assetId = '' } = useParams();
  const asset = useAsset(appId, assetId);
  const remove = useDeleteAsset(appId, assetId);
  const navigate = useNavigate();
  return (
    <QueryView query={asset}>
      {(a) => (
        <>
          <PageHeader
            crumbs={[[`/apps/${appId}/assets`, 'Assets']]}
            title={a.source.type === 'clip' ? 'Clip' : a.source.type === 'upload' ? 'Uploaded video' : 'Recording'}
            description={
              <>
                <AssetStatus status={a.status} /> <code>{a.id}</code>
              </>
            }
            actions={
              <>
                <FormError error={remove.error} />
                <Link className="button" to={`/apps/${appId}/assets/${a.id}/analytics`}>
                  Analytics
                </Link>
                <ConfirmButton
                  title="Delete asset"
                  confirmLabel="Delete"
                  message="Its media is deleted from storage and its playback ids stop playing. Clips cut from it are deleted with it."
                  onConfirm={() =>
                    remove.mutate(undefined, { onSuccess: () => void navigate(`/apps/${appId}/assets`) })
                  }
                >
                  Delete
                </ConfirmButton>
              </>
            }
          />
          <AssetBody appId={appId} asset={a} />
          {a.status === 'ready' && <ClipForm appId={appId} asset={a} />}
        </>
      )}
    </QueryView>
  );
}
