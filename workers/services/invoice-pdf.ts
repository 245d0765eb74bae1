import { PDFDocument, type PDFFont, type PDFPage, rgb, StandardFonts } from 'pdf-lib';
import type { InvoiceLine } from '../../core/billing/invoice';
import type { InvoiceRow } from './invoices.service';

/**
 * An invoice as a PDF a person would accept (issue 15), drawn with pdf-lib in the Worker: who
 * issued it to whom, the period, one row per line with quantity, included, billable, unit price
 * and amount, then the total. Helvetica (a standard font) keeps it small and needs no font file.
 * The same figures as the JSON, formatted by the same functions the tests read back.
 */
const A4: [number, number] = [595.28, 841.89];
const MARGIN = 48;
const COLUMNS = [
  { title: 'Description', x: MARGIN, align: 'left' },
  { title: 'Quantity', x: 300, align: 'right' },
  { title: 'Included', x: 360, align: 'right' },
  { title: 'Billable', x: 420, align: 'right' },
  { title: 'Unit price', x: 490, align: 'right' },
  { title: 'Amount', x: A4[0] - MARGIN, align: 'right' },
] as const;

/** `$12.34`; fractions of a cent (per-minute prices) keep up to 4 decimals of a dollar. */
export function money(cents: number, currency = 'usd'): string {
  const dollars = cents / 100;
  const digits = Number.isInteger(cents) ? 2 : Math.min(4, Math.max(2, (String(dollars).split('.')[1] ?? '').length));
  const sign = currency === 'usd' ? '$' : `${currency.toUpperCase()} `;
  return `${dollars < 0 ? '-' : ''}${sign}${Math.abs(dollars).toFixed(digits)}`;
}

const day = (t: number) => new Date(t).toISOString().slice(0, 10);
/** The period's last day, inclusive, as people read a monthly invoice. */
const lastDay = (end: number) => day(end - 1);
const qty = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(3).replace(/0+$/, ''));

export function lineCells(l: InvoiceLine, currency: string): string[] {
  const spanNote = ` ${day(l.period.start)}..${lastDay(l.period.end)}`;
  return [
    l.description + (l.kind === 'base' ? spanNote : ''),
    `${qty(l.quantity)} ${l.unit}`,
    l.kind === 'base' ? '' : qty(l.included),
    qty(l.billable),
    money(l.unit_cents, currency),
    money(l.amount_cents, currency),
  ];
}

function cell(page: PDFPage, font: PDFFont, text: string, x: number, y: number, align: string, size = 9) {
  const w = font.widthOfTextAtSize(text, size);
  page.drawText(text, { x: align === 'right' ? x - w : x, y, size, font, color: rgb(0.1, 0.1, 0.12) });
}

export async function invoicePdf(inv: InvoiceRow, orgName: string, issuer = 'Edgelive'): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.setTitle(`Invoice ${inv.id}`);
  doc.setSubject(`${orgName}: ${day(inv.periodStart)} to ${lastDay(inv.periodEnd)}`);
  doc.setProducer(issuer);
  doc.setCreator(issuer);
  // Fixed dates make the same invoice the same bytes, whenever it is downloaded.
  doc.setCreationDate(new Date(inv.createdAt));
  doc.setModificationDate(new Date(inv.createdAt));
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);

  let page = doc.addPage(A4);
  let y = A4[1] - MARGIN;
  cell(page, bold, 'Invoice', MARGIN, y - 10, 'left', 22);
  cell(page, bold, issuer, A4[0] - MARGIN, y - 6, 'right', 12);
  y -= 44;
  const facts: [string, string][] = [
    ['Invoice', inv.id],
    ['Billed to', orgName],
    ['Period', `${day(inv.periodStart)} to ${lastDay(inv.periodEnd)}`],
    ['Issued', day(inv.createdAt)],
    ['Currency', inv.currency.toUpperCase()],
  ];
  for (const [k, v] of facts) {
    cell(page, bold, k, MARGIN, y, 'left', 10);
    cell(page, font, v, MARGIN + 80, y, 'left', 10);
    y -= 15;
  }
  y -= 16;
  const header = () => {
    for (const c of COLUMNS) cell(page, bold, c.title, c.x, y, c.align);
    y -= 6;
    page.drawLine({ start: { x: MARGIN, y }, end: { x: A4[0] - MARGIN, y }, thickness: 0.7 });
    y -= 14;
  };
  header();
  for (const l of inv.lines) {
    if (y < MARGIN + 60) {
      page = doc.addPage(A4);
      y = A4[1] - MARGIN;
      header();
    }
    lineCells(l, inv.currency).forEach((text, i) => {
      const c = COLUMNS[i]!;
      cell(page, font, text, c.x, y, c.align);
    });
    y -= 15;
  }
  y -= 4;
  page.drawLine({ start: { x: 330, y }, end: { x: A4[0] - MARGIN, y }, thickness: 0.7 });
  y -= 16;
  cell(page, font, 'Subtotal', 420, y, 'right', 10);
  cell(page, font, money(inv.subtotalCents, inv.currency), A4[0] - MARGIN, y, 'right', 10);
  y -= 18;
  cell(page, bold, 'Total due', 420, y, 'right', 12);
  cell(page, bold, money(inv.totalCents, inv.currency), A4[0] - MARGIN, y, 'right', 12);
  cell(
    page,
    font,
    'Usage is metered per minute; included quantities are prorated by the share of the',
    MARGIN,
    70,
    'left',
    8,
  );
  cell(page, font, 'period each plan held. Amounts are rounded to the cent per line.', MARGIN, 60, 'left', 8);
  return doc.save();
}
