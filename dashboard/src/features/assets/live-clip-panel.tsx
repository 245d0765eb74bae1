import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { api, unwrap } from '../../api/client';
import { TextField } from '../../ui/field';
import { FormError } from '../../ui/states';
import { assetKeys } from './assets.queries';

/** "Clip that": the last seconds of a live stream (its DVR window) as an asset, playable at once. */
export function LiveClipPanel({ appId, streamId }: { appId: string; streamId: string }) {
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [seconds, setSeconds] = useState('30');
  const [problem, setProblem] = useState<string | null>(null);
  const clip = useMutation({
    mutationFn: (seconds_back: number) =>
      unwrap(
        api.POST('/v1/apps/{app_id}/streams/{stream_id}/clips', {
          params: { path: { app_id: appId, stream_id: streamId } },
          body: { seconds_back },
        }),
      ),
    onSuccess: (a) => {
      void qc.invalidateQueries({ queryKey: assetKeys.all(appId) });
      void navigate(`/apps/${appId}/assets/${a.id}`);
    },
  });
  return (
    <section className="panel" aria-labelledby="live-clip-h">
      <h2 id="live-clip-h">Clip the stream</h2>
      <form
        aria-label="Clip the stream"
        className="row"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          const n = Number(seconds);
          if (!Number.isInteger(n) || n < 1) return setProblem('A whole number of seconds, 1 or more.');
          setProblem(null);
          clip.mutate(n);
        }}
      >
        <TextField
          label="Seconds back from live"
          inputMode="numeric"
          value={seconds}
          error={problem ?? undefined}
          onChange={(e) => setSeconds(e.target.value)}
        />
        <button type="submit" disabled={clip.isPending}>
          Clip
        </button>
      </form>
      <FormError error={clip.error} />
    </section>
  );
}
