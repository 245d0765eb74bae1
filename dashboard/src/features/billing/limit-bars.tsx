import type { LimitUse } from './billing.queries';

/** How the limits read to a person (the API names them for code). */
export const LIMIT_LABELS: Record<LimitUse['limit'], string> = {
  live_streams: 'Concurrent live streams',
  max_quality: 'Highest rendition',
  dvr_window_seconds: 'DVR window (seconds)',
  recording_storage_gb: 'Recording storage (GB)',
  delivered_minutes_per_month: 'Delivered minutes this month',
  simulcast_targets_per_stream: 'Simulcast targets per stream',
  inputs_per_stream: 'Inputs per stream',
  chat_monthly_active_users: 'Chat monthly active users',
  webhook_endpoints: 'Webhook endpoints',
  team_seats: 'Team seats',
  api_requests_per_minute: 'API requests per minute',
};

const level = (p: number) => (p >= 100 ? 'bad' : p >= 80 ? 'warn' : 'ok');
const num = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 1 });

/** Each limit of the plan as a bar of how much is used; limits that are not amounts say their value. */
export function LimitBars({ usage }: { usage: readonly LimitUse[] }) {
  return (
    <ul className="limit-bars">
      {usage.map((u) => {
        const label = LIMIT_LABELS[u.limit];
        const allowed = u.allowed === null ? 'no limit' : typeof u.allowed === 'number' ? num(u.allowed) : u.allowed;
        if (u.used === null || typeof u.allowed !== 'number') {
          return (
            <li key={u.limit}>
              <span>{label}</span>
              <span className="muted small">{u.used === null ? allowed : `${num(u.used)} (${allowed})`}</span>
            </li>
          );
        }
        const percent = u.percent ?? 0;
        return (
          <li key={u.limit}>
            <span>{label}</span>
            <span className="small">
              {num(u.used)} of {allowed}
            </span>
            <meter
              className={`limit-meter ${level(percent)}`}
              min={0}
              max={100}
              low={80}
              high={99.9}
              optimum={0}
              value={Math.min(100, percent)}
              aria-label={`${label}: ${percent} % used`}
            />
          </li>
        );
      })}
    </ul>
  );
}
