import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';

const mb = (b: number) => (b >= 1024 ** 3 ? `${(b / 1024 ** 3).toFixed(2)} GB` : `${(b / 1024 ** 2).toFixed(1)} MB`);

/** What the app's media takes in R2, by kind (`GET /v1/storage`): what the storage meter bills. */
export function StorageSummary({ appId }: { appId: string }) {
  const storage = useQuery({
    queryKey: ['apps', appId, 'storage'],
    queryFn: () => unwrap(api.GET('/v1/apps/{app_id}/storage', { params: { path: { app_id: appId } } })),
  });
  const s = storage.data;
  if (!s) return null;
  return (
    <p className="small muted">
      Storage: <strong>{mb(s.total)}</strong> in {s.objects} objects · recordings {mb(s.recordings)} · uploads{' '}
      {mb(s.uploads)} · MP4s {mb(s.downloads)} · thumbnails {mb(s.thumbnails)}
    </p>
  );
}
