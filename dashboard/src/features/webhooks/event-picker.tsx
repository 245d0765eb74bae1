import { Checkbox } from '../../ui/field';
import { coveredByWider, eventFamilies, togglePattern } from './event-selection';

const FAMILIES = eventFamilies();

/** The event catalog from @edgelive/shared: everything, whole families (`stream.*`), or exact types. */
export function EventPicker({ value, onChange }: { value: string[]; onChange: (v: string[]) => void }) {
  const all = value.includes('*');
  const toggle = (p: string) => onChange(togglePattern(value, p));
  return (
    <fieldset className="stack" style={{ border: 0, padding: 0, margin: 0 }}>
      <legend className="field-label">Events to send</legend>
      <Checkbox label="All events" checked={all} onChange={() => toggle('*')} />
      {!all && (
        <div className="grid-2" style={{ gap: 6 }}>
          {FAMILIES.map((f) => (
            <fieldset key={f.pattern} className="stack" style={{ gap: 2, border: 0, padding: 0, margin: 0 }}>
              <legend className="visually-hidden">{f.pattern}</legend>
              <Checkbox
                label={`All ${f.pattern.slice(0, -2).replaceAll('_', ' ')} events — ${f.pattern}`}
                checked={value.includes(f.pattern)}
                onChange={() => toggle(f.pattern)}
              />
              {f.types.map((t) => (
                <span key={t.type} title={t.description} style={{ paddingLeft: 20 }}>
                  <Checkbox
                    label={t.type}
                    checked={value.includes(t.type) || coveredByWider(value, t.type)}
                    disabled={coveredByWider(value, t.type)}
                    onChange={() => toggle(t.type)}
                  />
                </span>
              ))}
            </fieldset>
          ))}
        </div>
      )}
    </fieldset>
  );
}
