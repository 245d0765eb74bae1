import { useParams } from 'react-router';
import { roleAtLeast, useOrgs } from '../../features/orgs/orgs.queries';
import { PageHeader } from '../../ui/page-header';
import { QueryView } from '../../ui/states';
import { InvitationsPanel } from './invitations-panel';
import { MembersTable } from './members-table';

export function MembersPage() {
  const { orgId = '' } = useParams();
  const orgs = useOrgs();
  return (
    <>
      <PageHeader
        title="Members"
        description="Owners manage people and roles; admins manage apps; developers build; viewers read."
      />
      <QueryView query={orgs}>
        {(list) => {
          const isOwner = roleAtLeast(list.find((o) => o.id === orgId)?.role, 'owner');
          return (
            <>
              <MembersTable orgId={orgId} canManage={isOwner} />
              <InvitationsPanel orgId={orgId} canManage={isOwner} />
            </>
          );
        }}
      </QueryView>
    </>
  );
}
