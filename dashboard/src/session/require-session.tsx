import { Navigate, Outlet, useLocation } from 'react-router';
import { ErrorState, Loading } from '../ui/states';
import { useMe } from './session.queries';

/** Routes under this need a signed-in user; others are sent to sign in and brought back after. */
export function RequireSession() {
  const me = useMe();
  const location = useLocation();
  if (me.isPending) return <Loading label="Checking your session…" />;
  if (me.error) return <ErrorState error={me.error} retry={() => void me.refetch()} />;
  if (!me.data) {
    const next = location.pathname + location.search;
    return <Navigate to={`/sign-in?next=${encodeURIComponent(next)}`} replace />;
  }
  return <Outlet />;
}
