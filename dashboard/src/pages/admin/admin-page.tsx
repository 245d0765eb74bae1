import { NavLink, useParams } from 'react-router';
import { useMe } from '../../session/session.queries';
import { PageHeader } from '../../ui/page-header';
import { NotFoundPage } from '../not-found-page';
import { AdminAudit } from './admin-audit';
import { AdminLiveStreams } from './admin-live';
import { AdminMaintenance } from './admin-maintenance';
import { AdminOrgs } from './admin-orgs';
import { AdminOrigins } from './admin-origins';
import { AdminUsers } from './admin-users';
import { AdminWebhooks } from './admin-webhooks';

const SECTIONS = {
  orgs: ['Organizations', AdminOrgs],
  live: ['Live now', AdminLiveStreams],
  users: ['Users', AdminUsers],
  origins: ['Origins', AdminOrigins],
  webhooks: ['Webhook backlog', AdminWebhooks],
  maintenance: ['Maintenance', AdminMaintenance],
  audit: ['Audit log', AdminAudit],
} as const;
type Section = keyof typeof SECTIONS;

/** The platform operator's area; for anyone else it is the ordinary "not found" (as the API answers 404). */
export function AdminPage() {
  const me = useMe();
  const { section = 'orgs' } = useParams();
  if (!me.data?.operator || !(section in SECTIONS)) return <NotFoundPage />;
  const [, Body] = SECTIONS[section as Section];
  return (
    <>
      <PageHeader
        title="Admin"
        description="The whole platform. Every action here is written to the operator audit log."
      />
      <nav className="tabs" aria-label="Admin sections">
        {(Object.keys(SECTIONS) as Section[]).map((s) => (
          <NavLink key={s} to={`/admin/${s}`}>
            {SECTIONS[s][0]}
          </NavLink>
        ))}
      </nav>
      <Body />
    </>
  );
}
