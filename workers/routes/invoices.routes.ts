import { createRoute } from '@hono/zod-openapi';
import { isIdOf } from '../../core/ids';
import { notFound } from '../lib/errors';
import { PageQuery, pageOf, pageSchema } from '../lib/pagination';
import { commonErrors, createRouter, idParam, json, sessionSecurity } from '../lib/router';
import { orgScope } from '../middleware/scope';
import { invoicePdf } from '../services/invoice-pdf';
import { findInvoice, listInvoices, orgName } from '../services/invoices.service';
import { InvoiceSchema, renderInvoice } from './invoices.schema';

/** `GET /v1/orgs/{id}/invoices`: one invoice per closed month, as JSON and as a PDF (issue 15). */
const tags = ['Billing'];
const OrgParam = idParam('org_id', 'org_123');
const InvoiceParams = OrgParam.merge(idParam('invoice_id', 'in_123'));

const list = createRoute({
  method: 'get',
  path: '/{org_id}/invoices',
  operationId: 'listInvoices',
  tags,
  summary: "The org's invoices, one per closed month, newest first",
  security: sessionSecurity,
  middleware: [orgScope('viewer')] as const,
  request: { params: OrgParam, query: PageQuery },
  responses: { 200: json(pageSchema(InvoiceSchema).openapi('InvoiceList')), ...commonErrors },
});

const getOne = createRoute({
  method: 'get',
  path: '/{org_id}/invoices/{invoice_id}',
  operationId: 'getInvoice',
  tags,
  summary: 'One invoice, line by line',
  security: sessionSecurity,
  middleware: [orgScope('viewer')] as const,
  request: { params: InvoiceParams },
  responses: { 200: json(InvoiceSchema), ...commonErrors },
});

const pdf = createRoute({
  method: 'get',
  path: '/{org_id}/invoices/{invoice_id}/pdf',
  operationId: 'getInvoicePdf',
  tags,
  summary: 'One invoice as a PDF',
  security: sessionSecurity,
  middleware: [orgScope('viewer')] as const,
  request: { params: InvoiceParams },
  responses: {
    200: {
      description: 'The invoice as a PDF',
      content: { 'application/pdf': { schema: { type: 'string', format: 'binary' } } },
    },
    ...commonErrors,
  },
});

const invoiceId = (id: string) => {
  if (!isIdOf('invoice', id)) throw notFound('invoice');
  return id;
};

export const invoiceRoutes = createRouter()
  .openapi(list, async (c) => {
    const { limit, cursor } = c.req.valid('query');
    const rows = await listInvoices(c.get('db'), c.env, c.get('scope').orgId, limit, cursor);
    // The cursor walks periods (what the list is ordered by), not issue times.
    const page = pageOf(
      rows.map((row) => ({ createdAt: row.periodStart, id: row.id, row })),
      limit,
      (x) => renderInvoice(x.row),
    );
    return c.json(page, 200);
  })
  .openapi(getOne, async (c) => {
    const id = invoiceId(c.req.valid('param').invoice_id);
    return c.json(renderInvoice(await findInvoice(c.get('db'), c.env, c.get('scope').orgId, id)), 200);
  })
  .openapi(pdf, async (c) => {
    const db = c.get('db');
    const { orgId } = c.get('scope');
    const row = await findInvoice(db, c.env, orgId, invoiceId(c.req.valid('param').invoice_id));
    const bytes = await invoicePdf(row, await orgName(db, orgId));
    return new Response(bytes, {
      headers: {
        'content-type': 'application/pdf',
        'content-disposition': `attachment; filename="invoice-${row.id}.pdf"`,
        'cache-control': 'private, max-age=3600',
      },
    }) as never;
  });
