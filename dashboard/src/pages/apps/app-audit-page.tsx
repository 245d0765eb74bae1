import { useParams } from 'react-router';
import { AuditLogView } from '../../features/audit/audit-log-view';
import { PageHeader } from '../../ui/page-header';

export function AppAuditPage() {
  const { appId = '' } = useParams();
  return (
    <>
      <PageHeader title="Audit log" description="Changes to this app, by people in the console and by its API keys." />
      <AuditLogView key={appId} scope={{ kind: 'app', appId }} />
    </>
  );
}
