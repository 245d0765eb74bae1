import { Navigate } from 'react-router';
import { useOrgs } from '../features/orgs/orgs.queries';
import { pickOrg, rememberedOrg } from '../session/current-org';
import { QueryView } from '../ui/states';

/** `/`: the remembered organization's apps, or the first one's, or a prompt to create one. */
export function HomeRedirect() {
  const orgs = useOrgs();
  return (
    <QueryView query={orgs}>
      {(list) => {
        const orgId = pickOrg(
          list.map((o) => o.id),
          rememberedOrg(),
        );
        return <Navigate to={orgId ? `/orgs/${orgId}/apps` : '/orgs/new'} replace />;
      }}
    </QueryView>
  );
}
