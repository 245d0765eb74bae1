import { useParams } from 'react-router';
import { AuditLogView } from '../../features/audit/audit-log-view';
import { PageHeader } from '../../ui/page-header';

export function OrgAuditPage() {
  const { orgId = '' } = useParams();
  return (
    <>
      <PageHeader
        title="Audit log"
        description="Every change in this organization and its apps: who, what, when, from where."
      />
      <AuditLogView key={orgId} scope={{ kind: 'org', orgId }} />
    </>
  );
}
