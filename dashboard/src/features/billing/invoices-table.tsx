import { API_ORIGIN } from '../../api/client';
import type { Invoice } from './billing.queries';

const money = (cents: number, currency: string) =>
  (cents / 100).toLocaleString('en-US', { style: 'currency', currency: currency.toUpperCase() });
const month = (iso: string) =>
  new Date(iso).toLocaleDateString('en-US', { month: 'long', year: 'numeric', timeZone: 'UTC' });

/** One row per closed month, with the PDF (the session cookie opens it like any console read). */
export function InvoicesTable({ invoices }: { invoices: readonly Invoice[] }) {
  if (!invoices.length) {
    return <p className="muted small">No invoices yet: the first is issued when this month closes.</p>;
  }
  return (
    <div className="table-wrap">
      <table>
        <thead>
          <tr>
            <th>Period</th>
            <th>Invoice</th>
            <th>Plans</th>
            <th className="num">Total</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {invoices.map((inv) => (
            <tr key={inv.id}>
              <td>{month(inv.period.start)}</td>
              <td className="mono small">{inv.id}</td>
              <td>{[...new Set(inv.lines.filter((l) => l.kind === 'base').map((l) => l.plan))].join(' → ')}</td>
              <td className="num">{money(inv.total_cents, inv.currency)}</td>
              <td>
                <a className="button" href={`${API_ORIGIN}${inv.pdf_url}`} download={`invoice-${inv.id}.pdf`}>
                  PDF
                </a>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
