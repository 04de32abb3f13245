import { z } from 'zod';
import { fromPublicId } from '../http/ids.ts';
import { toApiList } from '../http/pagination.ts';
import { type RouteModule, scopeOf } from '../http/routing.ts';
import { cursors, errorResponses, listOf, pathId, tenantParams } from '../http/schemas.ts';
import {
  invoiceCreateBody,
  invoiceListQuery,
  invoiceSchema,
  invoiceUpdateBody,
  toApiInvoice,
} from './schemas.ts';
import * as invoices from './service.ts';

// Tenant invoices, nested under the tenant like payments: /v1/tenants/:id/invoices (docs/api.md).
const invoiceParams = z.strictObject({ id: pathId, invoice_id: pathId });

const out = (v: invoices.InvoiceView) => toApiInvoice(v.row, v.payments, v.lastFailure);

export const invoiceRoutes: RouteModule = (app, deps) => {
  const ideps: invoices.InvoiceDeps = { stripe: deps.services.stripe, jobs: deps.services.jobs };
  const one = { params: invoiceParams, response: { 200: invoiceSchema, ...errorResponses } };

  // GET /v1/tenants/:id/invoices — newest first; status (overdue derived), customer, external_reference
  app.get(
    '/v1/tenants/:id/invoices',
    {
      config: { access: { tenant: 'invoices:read' } },
      schema: {
        tags: ['invoices'],
        params: tenantParams,
        querystring: invoiceListQuery,
        response: { 200: listOf(invoiceSchema), ...errorResponses },
      },
    },
    async (req) => {
      const q = req.query;
      const page = await invoices.listInvoices(scopeOf(req, deps), {
        ...cursors('invoice', q),
        status: q.status,
        customerId:
          q.customer === undefined
            ? undefined
            : (fromPublicId('customer', q.customer) ?? '00000000-0000-0000-0000-000000000000'),
        externalReference: q.external_reference,
      });
      return toApiList(page, `/v1/tenants/${req.params.id}/invoices`, (r) => toApiInvoice(r));
    },
  );

  // POST /v1/tenants/:id/invoices — a draft with line items
  app.post(
    '/v1/tenants/:id/invoices',
    {
      config: { dunning: 'new_business', access: { tenant: 'invoices:write' } },
      schema: {
        tags: ['invoices'],
        params: tenantParams,
        body: invoiceCreateBody,
        response: { 200: invoiceSchema, ...errorResponses },
      },
    },
    async (req) => out(await invoices.createInvoice(scopeOf(req, deps), ideps, req.body)),
  );

  // GET /v1/tenants/:id/invoices/:invoice_id
  app.get(
    '/v1/tenants/:id/invoices/:invoice_id',
    { config: { access: { tenant: 'invoices:read' } }, schema: { tags: ['invoices'], ...one } },
    async (req) => out(await invoices.getInvoice(scopeOf(req, deps), req.params.invoice_id)),
  );

  // POST /v1/tenants/:id/invoices/:invoice_id — edit a draft or an unpaid open invoice (a sent one needs resending)
  app.post(
    '/v1/tenants/:id/invoices/:invoice_id',
    {
      config: { dunning: 'new_business', access: { tenant: 'invoices:write' } },
      schema: { tags: ['invoices'], ...one, body: invoiceUpdateBody },
    },
    async (req) =>
      out(await invoices.updateInvoice(scopeOf(req, deps), ideps, req.params.invoice_id, req.body)),
  );

  // POST /v1/tenants/:id/invoices/:invoice_id/send — create the payment link and mark the invoice open
  app.post(
    '/v1/tenants/:id/invoices/:invoice_id/send',
    {
      config: { dunning: 'new_business', access: { tenant: 'invoices:write' } },
      schema: { tags: ['invoices'], ...one },
    },
    async (req) => out(await invoices.sendInvoice(scopeOf(req, deps), ideps, req.params.invoice_id)),
  );

  // POST /v1/tenants/:id/invoices/:invoice_id/void — an unpaid invoice; its link is turned off
  // POST /v1/tenants/:id/invoices/:invoice_id/mark_uncollectible — an open invoice given up on
  for (const [action, to] of [
    ['void', 'void'],
    ['mark_uncollectible', 'uncollectible'],
  ] as const) {
    app.post(
      `/v1/tenants/:id/invoices/:invoice_id/${action}`,
      {
        config: { dunning: 'allowed', access: { tenant: 'invoices:write' } },
        schema: { tags: ['invoices'], ...one },
      },
      async (req) => out(await invoices.closeInvoice(scopeOf(req, deps), ideps, req.params.invoice_id, to)),
    );
  }
};
