import type { Stream } from './streams.queries';

const LOOK: Record<Stream['status'], [className: string, label: string]> = {
  active: ['live', 'Live'],
  reconnecting: ['warn', 'Reconnecting'],
  idle: ['off', 'Idle'],
  disabled: ['off', 'Disabled'],
};

export function StreamStatus({ status }: { status: Stream['status'] }) {
  const [cls, label] = LOOK[status];
  return (
    <span className={`badge ${cls}`} data-status={status}>
      {label}
    </span>
  );
}
