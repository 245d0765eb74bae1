import { useQuery } from '@tanstack/react-query';

/**
 * The RTMP ingest URL is a property of the deployment (where the origin runs), not of a stream.
 * The console server may publish it in /console-config.json; a build may set VITE_RTMP_URL;
 * otherwise the origin is assumed on this host's standard RTMP port, as `npm start` runs it.
 */
export function defaultRtmpUrl(hostname: string): string {
  return `rtmp://${hostname}:1935/live`;
}

export function useRtmpUrl(): string {
  const fromBuild: string | undefined = import.meta.env.VITE_RTMP_URL;
  const q = useQuery({
    queryKey: ['console-config'],
    queryFn: async () => {
      const res = await fetch('/console-config.json');
      if (!res.ok) return null;
      const body = (await res.json().catch(() => null)) as { rtmp_url?: unknown } | null;
      return typeof body?.rtmp_url === 'string' ? body.rtmp_url : null;
    },
    staleTime: Infinity,
    retry: false,
  });
  return q.data ?? fromBuild ?? defaultRtmpUrl(window.location.hostname);
}
