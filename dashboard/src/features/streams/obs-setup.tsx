import { ConfirmButton } from '../../ui/confirm-button';
import { CopyButton } from '../../ui/copy-button';
import { SecretValue } from '../../ui/secret-value';
import { FormError } from '../../ui/states';
import { useRtmpUrl } from './ingest';
import { type Stream, useResetStreamKey } from './streams.queries';

/**
 * What a streamer types into OBS (Settings → Stream → Custom): the ingest URLs the API hands out
 * for this stream (the origin fleet's choice), or the deployment's RTMP URL when no origin has
 * reported its URLs.
 */
export function ObsSetup({ appId, stream }: { appId: string; stream: Stream }) {
  const fallback = useRtmpUrl();
  const ingest = stream.ingest ?? null;
  const rtmp = ingest?.rtmp ?? fallback;
  const reset = useResetStreamKey(appId, stream.id);
  return (
    <section className="panel" aria-labelledby="obs-h">
      <h2 id="obs-h">Streaming software setup</h2>
      <p className="small muted">In OBS: Settings → Stream → Service “Custom…”, then paste these two values.</p>
      <div className="stack">
        <div>
          <div className="field-label">Server</div>
          <div className="secret">
            <code data-testid="rtmp-url">{rtmp}</code>
            <CopyButton value={rtmp} />
          </div>
        </div>
        {ingest?.rtmps && (
          <div>
            <div className="field-label">Server (RTMPS, TLS)</div>
            <div className="secret">
              <code data-testid="rtmps-url">{ingest.rtmps}</code>
              <CopyButton value={ingest.rtmps} />
            </div>
          </div>
        )}
        {ingest?.srt && (
          <div>
            <div className="field-label">SRT (OBS: Service “Custom…”, server is the whole URL, key empty)</div>
            <div className="secret">
              <code data-testid="srt-url">{`${ingest.srt}?streamid=`}</code>
              <span className="small muted">+ stream key</span>
            </div>
            {stream.stream_key && (
              <SecretValue label="SRT URL with key" value={`${ingest.srt}?streamid=${stream.stream_key}`} />
            )}
          </div>
        )}
        {ingest?.whip && (
          <div>
            <div className="field-label">WHIP (WebRTC; OBS 30+: Service “WHIP”, Bearer token = stream key)</div>
            <div className="secret">
              <code data-testid="whip-url">{ingest.whip}</code>
              <CopyButton value={ingest.whip} />
            </div>
          </div>
        )}
        {ingest && (
          <p className="small muted" data-testid="ingest-origin">
            Origin {ingest.origin_id}: the least-loaded healthy one, or the one this stream is live on.
          </p>
        )}
        <div>
          <div className="field-label">Stream key</div>
          {stream.stream_key ? (
            <SecretValue label="Stream key" value={stream.stream_key} />
          ) : (
            <p className="small muted">Your role cannot see stream keys.</p>
          )}
        </div>
        <FormError error={reset.error} />
        {stream.stream_key && (
          <div className="row">
            <ConfirmButton
              title="Reset stream key"
              confirmLabel="Reset key"
              message="The current key stops working for new publishes. Anyone streaming with it must switch to the new key."
              onConfirm={() => reset.mutate(undefined)}
            >
              Reset stream key
            </ConfirmButton>
            {reset.isSuccess && (
              <span role="status" className="small">
                New key issued.
              </span>
            )}
          </div>
        )}
      </div>
    </section>
  );
}
