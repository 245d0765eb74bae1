import type { ReactNode } from 'react';
import { Link } from 'react-router';

export function PageHeader({
  title,
  description,
  actions,
  crumbs,
}: {
  title: string;
  description?: ReactNode;
  actions?: ReactNode;
  crumbs?: readonly (readonly [to: string, label: string])[];
}) {
  return (
    <header className="page-header">
      <div>
        {crumbs && crumbs.length > 0 && (
          <nav aria-label="Breadcrumbs" className="breadcrumbs">
            {crumbs.map(([to, label], i) => (
              <span key={to}>
                {i > 0 && ' / '}
                <Link to={to}>{label}</Link>
              </span>
            ))}
          </nav>
        )}
        <h1>{title}</h1>
        {description && <p>{description}</p>}
      </div>
      {actions && <div className="row">{actions}</div>}
    </header>
  );
}
