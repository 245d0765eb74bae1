import { useState } from 'react';
import { SelectField } from '../../ui/field';
import { FormError } from '../../ui/states';
import { useRedeliverFailed } from './webhooks.queries';

const WINDOWS = [
  ['3600', 'the last hour'],
  ['86400', 'the last 24 hours'],
  ['259200', 'the last 3 days'],
  ['604800', 'the last 7 days'],
] as const;

/** After a receiver's outage: send again every delivery that gave up, over a window the person picks. */
export function RedeliverFailedForm({ appId, endpointId }: { appId: string; endpointId: string }) {
  const [span, setSpan] = useState<string>('86400');
  const redeliver = useRedeliverFailed(appId, endpointId);
  return (
    <form
      aria-label="Redeliver failed deliveries"
      className="row"
      style={{ alignItems: 'end', marginBottom: 12 }}
      onSubmit={(e) => {
        e.preventDefault();
        redeliver.mutate(new Date(Date.now() - Number(span) * 1000).toISOString());
      }}
    >
      <SelectField
        label="Failed deliveries from"
        value={span}
        options={WINDOWS}
        onChange={(e) => setSpan(e.target.value)}
      />
      <button type="submit" disabled={redeliver.isPending}>
        Redeliver failed
      </button>
      {redeliver.data && (
        <p className="small" role="status">
          {redeliver.data.redelivered === 1
            ? '1 failed delivery sent again.'
            : `${redeliver.data.redelivered} failed deliveries sent again.`}
        </p>
      )}
      <FormError error={redeliver.error} />
    </form>
  );
}
