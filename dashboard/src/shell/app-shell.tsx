import { useState } from 'react';
import { Link, NavLink, Outlet, useLocation, useNavigate, useParams } from 'react-router';
import { useApp } from '../features/apps/apps.queries';
import { useMe, useSignOut } from '../session/session.queries';
import { MaintenanceBanner } from './maintenance-banner';
import { OrgSwitcher } from './org-switcher';
import { SuspendedNotice, ViewAsBanner } from './view-as-banner';

function AppNav({ appId }: { appId: string }) {
  const app = useApp(appId);
  const base = `/apps/${appId}`;
  return (
    <nav className="nav" aria-label="App">
      <div className="nav-title">{app.data?.name ?? 'App'}</div>
      <NavLink to={base} end>
        Overview
      </NavLink>
      <NavLink to={`${base}/streams`}>Live streams</NavLink>
      <NavLink to={`${base}/assets`}>Assets</NavLink>
      <NavLink to={`${base}/uploads`}>Uploads</NavLink>
      <NavLink to={`${base}/clips`}>Clips</NavLink>
      <NavLink to={`${base}/rooms`}>Chat rooms</NavLink>
      <NavLink to={`${base}/channels`}>Channels</NavLink>
      <NavLink to={`${base}/domains`}>Domains</NavLink>
      <NavLink to={`${base}/branding`}>Branding</NavLink>
      <NavLink to={`${base}/analytics`}>Analytics</NavLink>
      <NavLink to={`${base}/usage`}>Usage</NavLink>
      <NavLink to={`${base}/events`}>Events</NavLink>
      <NavLink to={`${base}/webhooks`}>Webhooks</NavLink>
      <NavLink to={`${base}/api-keys`}>API keys</NavLink>
      <NavLink to={`${base}/signing-keys`}>Signing keys</NavLink>
      <NavLink to={`${base}/audit-log`}>Audit log</NavLink>
      <NavLink to={`${base}/settings`}>Settings</NavLink>
    </nav>
  );
}

function OrgNav({ orgId }: { orgId: string }) {
  return (
    <nav className="nav" aria-label="Organization">
      <div className="nav-title">Organization</div>
      <NavLink to={`/orgs/${orgId}/apps`}>Apps</NavLink>
      <NavLink to={`/orgs/${orgId}/members`}>Members</NavLink>
      <NavLink to={`/orgs/${orgId}/usage`}>Usage and billing</NavLink>
      <NavLink to={`/orgs/${orgId}/audit-log`}>Audit log</NavLink>
      <NavLink to={`/orgs/${orgId}/settings`}>Settings</NavLink>
    </nav>
  );
}

/** The signed-in frame: org switcher, navigation for the org and the open app, and the user. */
export function AppShell() {
  const { orgId: orgParam, appId } = useParams();
  const app = useApp(appId ?? '');
  const orgId = orgParam ?? (appId ? (app.data?.org_id ?? null) : null);
  const me = useMe();
  const signOut = useSignOut();
  const navigate = useNavigate();
  const [open, setOpen] = useState(false);
  const location = useLocation();
  const [lastPath, setLastPath] = useState(location.pathname);
  // The phone menu closes when the page changes (state derived from the route, not an effect).
  if (lastPath !== location.pathname) {
    setLastPath(location.pathname);
    setOpen(false);
  }

  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <aside className="sidebar" data-open={open}>
        <div className="sidebar-top">
          <Link to="/" className="brand">
            Edgelive
          </Link>
          <button
            type="button"
            className="menu-toggle"
            aria-expanded={open}
            aria-controls="sidebar-body"
            onClick={() => setOpen((o) => !o)}
          >
            Menu
          </button>
        </div>
        <div className="sidebar-body" id="sidebar-body">
          <OrgSwitcher orgId={orgId} />
          {orgId && <OrgNav orgId={orgId} />}
          {appId && <AppNav appId={appId} />}
          {me.data?.operator && (
            <nav className="nav" aria-label="Platform">
              <div className="nav-title">Platform</div>
              <NavLink to="/admin/orgs">Admin</NavLink>
            </nav>
          )}
          <div className="user-box">
            <Link to="/account">{me.data?.user.email}</Link>
            <button
              type="button"
              onClick={() => signOut.mutate(undefined, { onSettled: () => void navigate('/sign-in') })}
              disabled={signOut.isPending}
            >
              Sign out
            </button>
          </div>
        </div>
      </aside>
      <main className="main" id="main" tabIndex={-1}>
        <MaintenanceBanner />
        <ViewAsBanner />
        <SuspendedNotice orgId={orgId} />
        <Outlet />
      </main>
    </div>
  );
}
