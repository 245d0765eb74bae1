import { useMaintenance } from '../features/admin/platform.queries';
import { formatDate } from '../ui/format';

/** The operator's maintenance notice, on every page while it is up (GET /v1/maintenance). */
export function MaintenanceBanner() {
  const m = useMaintenance();
  if (!m.data) return null;
  return (
    <div className={`banner ${m.data.level === 'warning' ? 'warn' : 'info'}`} role="status" aria-label="Maintenance">
      <span>
        <strong>Maintenance:</strong> {m.data.message}
        {m.data.ends_at && <span className="muted"> (until {formatDate(m.data.ends_at)})</span>}
      </span>
    </div>
  );
}
