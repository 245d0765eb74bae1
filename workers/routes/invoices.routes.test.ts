import { env, exports } from 'cloudflare:workers';
import { monthStart, nextMonthStart } from '@edgelive/shared/usage';
import { decodePDFRawStream, PDFDocument, PDFRawStream } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { money } from '../services/invoice-pdf';
import { BASE, call, expectError, register, tenant } from '../test/helpers';

/**
 * Invoices (issue 15): one per closed month, priced from the month's hourly usage and the plan
 * history, frozen once issued, and the PDF parsed back (its text and total match the JSON).
 */
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const now = Date.now();
const lastMonth = monthStart(monthStart(now) - 1);
const twoBack = monthStart(lastMonth - 1);

/** A closed month's usage, as the recorder's flush leaves it in the hour buckets. */
async function hourUsage(appId: string, at: number, meter: string, quantity: number) {
  await env.DB.prepare(
    `INSERT INTO usage_buckets (granularity, bucket, app_id, stream_id, meter, quantity) VALUES ('hour', ?, ?, '', ?, ?)
     ON CONFLICT DO UPDATE SET quantity = quantity + excluded.quantity`,
  )
    .bind(Math.floor(at / HOUR) * HOUR, appId, meter, quantity)
    .run();
}

/** An org that has existed since `since`, with a plan history as subscriptions.service records it. */
async function pastOrg(since: number, history: { at: number; plan: string }[]) {
  const t = await tenant();
  await env.DB.prepare('UPDATE orgs SET created_at = ? WHERE id = ?').bind(since, t.acct.orgId).run();
  for (const h of history) {
    await env.DB.prepare('INSERT INTO plan_changes (org_id, at, plan) VALUES (?, ?, ?)')
      .bind(t.acct.orgId, h.at, h.plan)
      .run();
  }
  return t;
}

/** Every string a page draws (pdf-lib writes Helvetica text as hex strings in Flate streams). */
async function pdfText(bytes: Uint8Array) {
  const doc = await PDFDocument.load(bytes);
  const parts: string[] = [];
  for (const [, obj] of doc.context.enumerateIndirectObjects()) {
    if (!(obj instanceof PDFRawStream)) continue;
    const content = new TextDecoder('latin1').decode(decodePDFRawStream(obj).decode());
    for (const m of content.matchAll(/<([0-9A-Fa-f]*)>\s*Tj/g)) {
      parts.push(String.fromCharCode(...(m[1]!.match(/../g) ?? []).map((h) => Number.parseInt(h, 16))));
    }
  }
  return { doc, text: parts };
}

describe('invoices', () => {
  it('issues one invoice per closed month: fee, overage past the included minutes, proration on a change', async () => {
    const mid = lastMonth + 10 * DAY;
    const t = await pastOrg(twoBack + 3 * DAY, [
      { at: twoBack + 3 * DAY, plan: 'pro' },
      { at: mid, plan: 'business' },
    ]);
    // Two months back on Pro from the 4th: 60,000 delivered minutes, 50,000 included.
    await hourUsage(t.app.id, twoBack + 5 * DAY, 'delivered_seconds', 30_000 * 60);
    await hourUsage(t.app.id, twoBack + 20 * DAY, 'delivered_seconds', 30_000 * 60);
    // Last month: 40,000 minutes before the change to Business (Pro, prorated), 10 after it.
    await hourUsage(t.app.id, lastMonth + DAY, 'delivered_seconds', 40_000 * 60);
    await hourUsage(t.app.id, mid + HOUR, 'delivered_seconds', 10 * 60);
    // This month is open: never on an invoice.
    await hourUsage(t.app.id, monthStart(now), 'delivered_seconds', 99_999 * 60);

    const res = await call(`/v1/orgs/${t.acct.orgId}/invoices`, { auth: t.acct.token });
    expect(res.status, res.text).toBe(200);
    expect(res.json.data.map((i: { period: { start: string } }) => i.period.start)).toEqual([
      new Date(lastMonth).toISOString(),
      new Date(twoBack).toISOString(),
    ]);
    const [last, older] = res.json.data;
    expect(older.id).toMatch(/^in_/);
    // A month with no change within it is one span: the whole fee, 10,000 minutes past the
    // 50,000 included at 0.08 ¢.
    expect(older.lines.filter((l: { kind: string }) => l.kind === 'base')).toMatchObject([
      { plan: 'pro', amount_cents: 4_900 },
    ]);
    const olderDelivered = older.lines.find((l: { meter: string }) => l.meter === 'delivered_seconds');
    expect(olderDelivered).toMatchObject({ quantity: 60_000, unit: 'minute', billable: 10_000, amount_cents: 800 });
    expect(older.total_cents).toBe(5_700);

    const len = nextMonthStart(lastMonth) - lastMonth;
    const proShare = (mid - lastMonth) / len;
    const fees = last.lines.filter((l: { kind: string }) => l.kind === 'base');
    expect(fees.map((l: { plan: string }) => l.plan)).toEqual(['pro', 'business']);
    expect(fees.map((l: { amount_cents: number }) => l.amount_cents)).toEqual([
      Math.round(4_900 * proShare),
      Math.round(49_900 * (1 - proShare)),
    ]);
    const delivered = last.lines.filter((l: { meter: string }) => l.meter === 'delivered_seconds');
    expect(delivered.map((l: { quantity: number }) => l.quantity)).toEqual([40_000, 10]);
    const proIncluded = Math.round(50_000 * proShare * 1000) / 1000;
    expect(delivered[0].included).toBe(proIncluded);
    expect(delivered[0].amount_cents).toBe(Math.round((40_000 - proIncluded) * 0.08));
    expect(delivered[1].amount_cents).toBe(0);

    // Issued once: later usage in a closed month (a late flush) does not rewrite what was issued.
    await hourUsage(t.app.id, lastMonth + 2 * DAY, 'delivered_seconds', 50_000 * 60);
    const again = await call(`/v1/orgs/${t.acct.orgId}/invoices/${last.id}`, { auth: t.acct.token });
    expect(again.status, again.text).toBe(200);
    expect(again.json).toEqual(last);

    // Cursor pagination, newest period first.
    const p1 = await call(`/v1/orgs/${t.acct.orgId}/invoices?limit=1`, { auth: t.acct.token });
    expect(p1.json.data.map((i: { id: string }) => i.id)).toEqual([last.id]);
    const p2 = await call(`/v1/orgs/${t.acct.orgId}/invoices?limit=1&cursor=${p1.json.next_cursor}`, {
      auth: t.acct.token,
    });
    expect(p2.json.data.map((i: { id: string }) => i.id)).toEqual([older.id]);
    expect(p2.json.next_cursor).toBeNull();
  });

  it('serves each invoice as a PDF whose text and total match the JSON', async () => {
    const t = await pastOrg(lastMonth, [{ at: lastMonth, plan: 'pro' }]);
    await hourUsage(t.app.id, lastMonth + DAY, 'delivered_seconds', 62_345 * 60);
    const [inv] = (await call(`/v1/orgs/${t.acct.orgId}/invoices`, { auth: t.acct.token })).json.data;
    expect(inv.total_cents).toBe(4_900 + 988);

    const res = await exportsFetch(`/v1/orgs/${t.acct.orgId}/invoices/${inv.id}/pdf`, t.acct.token);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect(new TextDecoder().decode(bytes.slice(0, 5))).toBe('%PDF-');
    const { doc, text } = await pdfText(bytes);
    expect(doc.getTitle()).toBe(`Invoice ${inv.id}`);
    expect(doc.getPageCount()).toBe(1);
    expect(text).toContain(inv.id);
    expect(text).toContain('Delivered minutes');
    expect(text).toContain('62345 minute');
    expect(text).toContain(money(988));
    const totalAt = text.indexOf('Total due');
    expect(totalAt).toBeGreaterThan(-1);
    expect(text[totalAt + 1]).toBe('$58.88');
    expect(text[totalAt + 1]).toBe(money(inv.total_cents));
  });

  it('gives an org created this month no invoice, and hides invoices from other orgs', async () => {
    const fresh = await tenant();
    const none = await call(`/v1/orgs/${fresh.acct.orgId}/invoices`, { auth: fresh.acct.token });
    expect(none.json).toEqual({ data: [], next_cursor: null });

    const t = await pastOrg(lastMonth, []);
    const [inv] = (await call(`/v1/orgs/${t.acct.orgId}/invoices`, { auth: t.acct.token })).json.data;
    const stranger = await register();
    for (const path of [`/invoices`, `/invoices/${inv.id}`, `/invoices/${inv.id}/pdf`]) {
      expectError(await call(`/v1/orgs/${t.acct.orgId}${path}`, { auth: stranger.token }), 404);
    }
    // Another org's invoice id under one's own org: 404 too; a malformed id as well.
    expectError(await call(`/v1/orgs/${fresh.acct.orgId}/invoices/${inv.id}`, { auth: fresh.acct.token }), 404);
    expectError(await call(`/v1/orgs/${t.acct.orgId}/invoices/nope`, { auth: t.acct.token }), 404);
    expectError(await call(`/v1/orgs/${t.acct.orgId}/invoices?limit=0`, { auth: t.acct.token }), 400);
  });
});

/** The raw response (the `call` helper reads bodies as text; a PDF is bytes). */
const exportsFetch = (path: string, token: string) =>
  exports.default.fetch(new Request(`${BASE}${path}`, { headers: { authorization: `Bearer ${token}` } }));
