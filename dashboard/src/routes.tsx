import type { RouteObject } from 'react-router';
import { appFeatureRoutes } from './feature-routes';
import { AccountPage } from './pages/account/account-page';
import { AdminPage } from './pages/admin/admin-page';
import { ApiKeysPage } from './pages/apps/api-keys-page';
import { AppAuditPage } from './pages/apps/app-audit-page';
import { AppOverviewPage } from './pages/apps/app-overview-page';
import { AppSettingsPage } from './pages/apps/app-settings-page';
import { SigningKeysPage } from './pages/apps/signing-keys-page';
import { AcceptInvitePage } from './pages/auth/accept-invite-page';
import { SignInPage } from './pages/auth/sign-in-page';
import { SignUpPage } from './pages/auth/sign-up-page';
import {
  ConfirmEmailChangePage,
  ForgotPasswordPage,
  ResetPasswordPage,
  VerifyEmailPage,
} from './pages/auth/token-pages';
import { UsagePage } from './pages/billing/usage-page';
import { HomeRedirect } from './pages/home-redirect';
import { NotFoundPage } from './pages/not-found-page';
import { AppsPage } from './pages/orgs/apps-page';
import { MembersPage } from './pages/orgs/members-page';
import { NewOrgPage } from './pages/orgs/new-org-page';
import { OrgAuditPage } from './pages/orgs/org-audit-page';
import { OrgSettingsPage } from './pages/orgs/org-settings-page';
import { RequireSession } from './session/require-session';
import { AppShell } from './shell/app-shell';

export const routes: RouteObject[] = [
  { path: '/sign-in', element: <SignInPage /> },
  { path: '/sign-up', element: <SignUpPage /> },
  { path: '/accept-invite', element: <AcceptInvitePage /> },
  { path: '/verify-email', element: <VerifyEmailPage /> },
  { path: '/forgot-password', element: <ForgotPasswordPage /> },
  { path: '/reset-password', element: <ResetPasswordPage /> },
  { path: '/confirm-email-change', element: <ConfirmEmailChangePage /> },
  {
    element: <RequireSession />,
    children: [
      { path: '/', element: <HomeRedirect /> },
      {
        element: <AppShell />,
        children: [
          { path: '/account', element: <AccountPage /> },
          { path: '/admin', element: <AdminPage /> },
          { path: '/admin/:section', element: <AdminPage /> },
          { path: '/orgs/new', element: <NewOrgPage /> },
          { path: '/orgs/:orgId/apps', element: <AppsPage /> },
          { path: '/orgs/:orgId/members', element: <MembersPage /> },
          { path: '/orgs/:orgId/audit-log', element: <OrgAuditPage /> },
          { path: '/orgs/:orgId/settings', element: <OrgSettingsPage /> },
          { path: '/orgs/:orgId/usage', element: <UsagePage /> },
          { path: '/apps/:appId', element: <AppOverviewPage /> },
          { path: '/apps/:appId/settings', element: <AppSettingsPage /> },
          { path: '/apps/:appId/api-keys', element: <ApiKeysPage /> },
          { path: '/apps/:appId/signing-keys', element: <SigningKeysPage /> },
          { path: '/apps/:appId/audit-log', element: <AppAuditPage /> },
          ...appFeatureRoutes,
        ],
      },
    ],
  },
  { path: '*', element: <NotFoundPage /> },
];
