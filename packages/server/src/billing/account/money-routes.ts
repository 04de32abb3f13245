import { z } from 'zod';
import { listQuerySchema, toApiList } from '../../http/pagination.ts';
import { type RouteModule, scopeOf } from '../../http/routing.ts';
import { errorResponses, listOf, tenantParams } from '../../http/schemas.ts';
import { balanceOf, creditBalance, issueCreditNote } from './credits.ts';
import { getPlanInvoice, listPlanInvoices, refreshPlanInvoices, upcomingInvoice } from './invoices.ts';
import {
  balanceSchema,
  creditBody,
  creditNoteBody,
  creditNoteSchema,
  creditSchema,
  invoiceParams,
  invoiceSchema,
  linesOf,
  toApiCredit,
  toApiCreditNote,
  toApiInvoice,
  upcomingResponse,
} from './schemas.ts';

// The tenant's billing history with the platform (its plan invoices), its balance, and the platform's credits
// and credit notes (docs/platform-billing.md, "Billing account").

const idempotencyKeyOf = (headers: Record<string, unknown>) => String(headers['idempotency-key']);

export const billingMoneyRoutes: RouteModule = (app, deps) => {
  const stripe = () => ({ stripe: deps.services.stripe });

  // GET /v1/tenants/:id/billing/invoices — the plan invoices, newest first (the mirror; `refresh` reads Stripe)
  app.get(
    '/v1/tenants/:id/billing/invoices',
    {
      config: { access: { tenant: 'billing:read' } },
      schema: {
        tags: ['billing'],
        params: tenantParams,
        querystring: listQuerySchema,
        response: { 200: listOf(invoiceSchema), ...errorResponses },
      },
    },
    async (req) => {
      const page = await listPlanInvoices(scopeOf(req, deps), {
        limit: req.query.limit,
        startingAfter: req.query.starting_after ?? null,
        endingBefore: req.query.ending_before ?? null,
      });
      return toApiList(page, `/v1/tenants/${req.params.id}/billing/invoices`, toApiInvoice);
    },
  );

  // POST /v1/tenants/:id/billing/invoices/refresh — read the latest plan invoices from Stripe into the list
  app.post(
    '/v1/tenants/:id/billing/invoices/refresh',
    {
      config: { dunning: 'allowed', access: { tenant: 'billing:read' } },
      schema: {
        tags: ['billing'],
        params: tenantParams,
        response: {
          200: z.object({ object: z.literal('billing_invoices_refresh'), read: z.number() }),
          ...errorResponses,
        },
      },
    },
    async (req) => ({
      object: 'billing_invoices_refresh' as const,
      read: await refreshPlanInvoices(scopeOf(req, deps), stripe()),
    }),
  );

  // GET /v1/tenants/:id/billing/invoices/:billing_invoice_id — one plan invoice
  app.get(
    '/v1/tenants/:id/billing/invoices/:billing_invoice_id',
    {
      config: { access: { tenant: 'billing:read' } },
      schema: {
        tags: ['billing'],
        params: invoiceParams,
        response: { 200: invoiceSchema, ...errorResponses },
      },
    },
    async (req) =>
      toApiInvoice(await getPlanInvoice(scopeOf(req, deps), stripe(), req.params.billing_invoice_id)),
  );

  // GET /v1/tenants/:id/billing/upcoming_invoice — the plan's next invoice as it stands now, or null
  app.get(
    '/v1/tenants/:id/billing/upcoming_invoice',
    {
      config: { access: { tenant: 'billing:read' } },
      schema: {
        tags: ['billing'],
        params: tenantParams,
        response: { 200: upcomingResponse, ...errorResponses },
      },
    },
    async (req) => {
      const inv = await upcomingInvoice(scopeOf(req, deps), stripe());
      if (!inv) return { upcoming_invoice: null };
      return {
        upcoming_invoice: {
          object: 'billing_upcoming_invoice' as const,
          currency: inv.currency,
          subtotal: inv.subtotal,
          total: inv.total,
          amount_due: inv.amount_due,
          date: inv.next_payment_attempt ?? inv.period_end ?? null,
          period: { start: inv.period_start, end: inv.period_end },
          lines: linesOf(inv),
        },
      };
    },
  );

  // GET /v1/tenants/:id/billing/balance — the tenant's balance with the platform (a credit, or an amount owed)
  app.get(
    '/v1/tenants/:id/billing/balance',
    {
      config: { access: { tenant: 'billing:read' } },
      schema: {
        tags: ['billing'],
        params: tenantParams,
        response: { 200: balanceSchema, ...errorResponses },
      },
    },
    async (req) => {
      const b = await balanceOf(scopeOf(req, deps), stripe());
      return {
        object: 'billing_balance' as const,
        balance: b.balance,
        credit: Math.max(0, -b.balance),
        amount_owed: Math.max(0, b.balance),
        currency: b.currency,
      };
    },
  );

  // POST /v1/tenants/:id/billing/credits — credit the tenant's balance (the platform only; applied to the
  // next plan invoices)
  app.post(
    '/v1/tenants/:id/billing/credits',
    {
      config: { access: { platform: 'billing:write' }, idempotency: 'required' },
      schema: {
        tags: ['billing'],
        params: tenantParams,
        body: creditBody,
        response: { 200: creditSchema, ...errorResponses },
      },
    },
    async (req) =>
      toApiCredit(
        await creditBalance(scopeOf(req, deps), stripe(), {
          ...req.body,
          requestKey: idempotencyKeyOf(req.headers),
        }),
      ),
  );

  // POST /v1/tenants/:id/billing/invoices/:billing_invoice_id/credit_notes — refund or credit part of a plan invoice (the
  // platform only)
  app.post(
    '/v1/tenants/:id/billing/invoices/:billing_invoice_id/credit_notes',
    {
      config: { access: { platform: 'billing:write' }, idempotency: 'required' },
      schema: {
        tags: ['billing'],
        params: invoiceParams,
        body: creditNoteBody,
        response: { 200: creditNoteSchema, ...errorResponses },
      },
    },
    async (req) => {
      const issued = await issueCreditNote(scopeOf(req, deps), stripe(), req.params.billing_invoice_id, {
        ...req.body,
        requestKey: idempotencyKeyOf(req.headers),
      });
      return {
        ...toApiCreditNote(issued.note),
        refund_amount: issued.refundAmount,
        credit_amount: issued.creditAmount,
      };
    },
  );
};
