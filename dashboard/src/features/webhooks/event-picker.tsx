import { Checkbox } from '../../ui/field';

/**
 * Event families as wildcard patterns (the endpoint API accepts `*`, exact types and `family.*`).
 * The full catalog lives in @edgelive/shared (EVENT_TYPES) once the webhooks branch is on main;
 * exact types can be typed in the field below meanwhile.
 */
export const EVENT_FAMILIES = [
  ['stream.*', 'Live streams (created, live, idle, key reset, …)'],
  ['recording.*', 'Recordings ready'],
  ['viewers.*', 'Viewer peaks'],
  ['room.*', 'Chat rooms'],
  ['chat.*', 'Chat moderation (flags, bans, mutes)'],
  ['api_key.*', 'API keys'],
  ['member.*', 'Team members'],
  ['webhook_endpoint.*', 'Webhook endpoints (disabled, test)'],
] as const;

export function EventPicker({ value, onChange }: { value: string[]; onChange: (v: string[]) => void }) {
  const all = value.includes('*');
  const toggle = (p: string) =>
    onChange(value.includes(p) ? value.filter((x) => x !== p) : [...value.filter((x) => x !== '*'), p]);
  return (
    <fieldset className="stack" style={{ border: 0, padding: 0, margin: 0 }}>
      <legend className="field-label">Events to send</legend>
      <Checkbox label="All events" checked={all} onChange={() => onChange(all ? [] : ['*'])} />
      {!all && (
        <div className="grid-2" style={{ gap: 6 }}>
          {EVENT_FAMILIES.map(([p, label]) => (
            <Checkbox key={p} label={`${label} — ${p}`} checked={value.includes(p)} onChange={() => toggle(p)} />
          ))}
        </div>
      )}
    </fieldset>
  );
}
