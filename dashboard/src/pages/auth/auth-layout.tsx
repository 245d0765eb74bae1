import type { ReactNode } from 'react';
import { MaintenanceBanner } from '../../shell/maintenance-banner';

export function AuthLayout({ title, children }: { title: string; children: ReactNode }) {
  return (
    <main className="auth-page">
      <div className="auth-card">
        <div className="brand" aria-hidden="true" style={{ marginBottom: 12 }}>
          Edgelive
        </div>
        <MaintenanceBanner />
        <h1>{title}</h1>
        {children}
      </div>
    </main>
  );
}

/** Only same-site paths may be a post-sign-in destination (no open redirect through ?next=). */
export function safeNext(next: string | null): string {
  return next?.startsWith('/') && !next.startsWith('//') ? next : '/';
}
