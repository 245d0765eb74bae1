import { useQuery } from '@tanstack/react-query';
import { api, type Schemas, unwrap } from '../../api/client';

export type StreamHealth = Schemas['StreamHealth'];
export type HealthSample = Schemas['StreamHealthSample'];

/** The stream's latest session health series; polled while the page is open (a sample every ~10 s). */
export function useStreamHealth(appId: string, streamId: string, live: boolean) {
  return useQuery({
    queryKey: ['apps', appId, 'streams', streamId, 'health'],
    queryFn: () =>
      unwrap(
        api.GET('/v1/apps/{app_id}/streams/{stream_id}/health', {
          params: { path: { app_id: appId, stream_id: streamId }, query: { limit: 360 } },
        }),
      ),
    refetchInterval: live ? 5_000 : false,
  });
}
