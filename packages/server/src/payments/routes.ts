import { z } from 'zod';
import { ApiError } from '../http/errors.ts';
import { fromPublicId, parsePathId, toPublicId } from '../http/ids.ts';
import { toApiList } from '../http/pagination.ts';
import { ctxOf, type RouteModule } from '../http/routing.ts';
import { cursors, errorResponses, listOf, pathId } from '../http/schemas.ts';
import * as customers from './customers.ts';
import * as disputes from './disputes.ts';
import * as fees from './fee-schedule.ts';
import * as payments from './payment-intents.ts';
import * as refunds from './refunds.ts';
import {
  customerCreateBody,
  customerListQuery,
  customerSchema,
  customerUpdateBody,
  disputeListQuery,
  disputeSchema,
  evidenceBody,
  feePreviewQuery,
  feePreviewSchema,
  feeScheduleBody,
  feeScheduleSchema,
  paymentDetailSchema,
  paymentExportQuery,
  paymentIntentBody,
  paymentListQuery,
  paymentMethodSchema,
  paymentSchema,
  paymentWithSecretSchema,
  platformFeeScheduleSchema,
  portalSessionBody,
  portalSessionSchema,
  refundBody,
  refundListQuery,
  refundSchema,
  setupIntentBody,
  setupIntentSchema,
  setupSessionBody,
  setupSessionSchema,
  toApiCustomer,
  toApiDispute,
  toApiFeePreview,
  toApiFeeSchedule,
  toApiPayment,
  toApiPaymentMethod,
  toApiPlatformFeeSchedule,
  toApiRefund,
} from './schemas.ts';
import { timeline } from './timeline.ts';

// Tenant payments (issue 8), nested under the tenant like Connect: /v1/tenants/:id/… (docs/api.md).
const tenantParams = z.strictObject({ id: pathId });
const customerParams = z.strictObject({ id: pathId, customer_id: pathId });
const pmParams = z.strictObject({ id: pathId, customer_id: pathId, payment_method_id: pathId });
const paymentParams = z.strictObject({ id: pathId, payment_id: pathId });
const disputeParams = z.strictObject({ id: pathId, dispute_id: pathId });

/** A filter naming one of our objects: a malformed or foreign id matches nothing (an empty list). */
const filterId = (kind: 'customer' | 'payment', v: string | undefined) =>
  v === undefined ? undefined : (fromPublicId(kind, v) ?? '00000000-0000-0000-0000-000000000000');

const toDate = (s: number | undefined) => (s === undefined ? undefined : new Date(s * 1000));

const csvCell = (v: unknown) => {
  const s = v === null || v === undefined ? '' : String(v);
  // quote, and defuse spreadsheet formulas (CSV injection)
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
};

export const paymentRoutes: RouteModule = (app, deps) => {
  const pdeps: customers.PaymentDeps = { stripe: deps.services.stripe };
  const tenantOf = (publicId: string) => parsePathId('tenant', publicId);

  // GET /v1/fee_schedule — the platform's default application fee and Stripe's price (platform only)
  app.get(
    '/v1/fee_schedule',
    {
      config: { access: { platform: 'fees:read' } },
      schema: { tags: ['payments'], response: { 200: platformFeeScheduleSchema, ...errorResponses } },
    },
    async (req) => toApiPlatformFeeSchedule(fees.getPlatformSchedule(ctxOf(req, deps))),
  );

  // GET /v1/tenants/:id/fee_schedule/preview — the fees on `amount` under the tenant's schedule (payments:read)
  app.get(
    '/v1/tenants/:id/fee_schedule/preview',
    {
      config: { access: { tenant: 'payments:read' } },
      schema: {
        tags: ['payments'],
        params: tenantParams,
        querystring: feePreviewQuery,
        response: { 200: feePreviewSchema, ...errorResponses },
      },
    },
    async (req) =>
      toApiFeePreview(
        await fees.previewFees(
          ctxOf(req, deps),
          tenantOf(req.params.id),
          req.params.id,
          req.query.amount,
          req.query.currency,
        ),
      ),
  );

  // GET /v1/tenants/:id/fee_schedule — the application fee in force (platform default + tenant override)
  app.get(
    '/v1/tenants/:id/fee_schedule',
    {
      config: { access: { tenant: 'payments:read' } },
      schema: {
        tags: ['payments'],
        params: tenantParams,
        response: { 200: feeScheduleSchema, ...errorResponses },
      },
    },
    async (req) =>
      toApiFeeSchedule(await fees.getFeeSchedule(ctxOf(req, deps), tenantOf(req.params.id), req.params.id)),
  );

  // POST /v1/tenants/:id/fee_schedule — set the tenant's override (null fields inherit the default)
  app.post(
    '/v1/tenants/:id/fee_schedule',
    {
      config: { access: { platform: 'fees:write' } },
      schema: {
        tags: ['payments'],
        params: tenantParams,
        body: feeScheduleBody,
        response: { 200: feeScheduleSchema, ...errorResponses },
      },
    },
    async (req) => {
      const b = req.body;
      const input = Object.fromEntries(
        Object.entries({
          percentBps: b.percent_bps,
          fixed: b.fixed,
          min: b.min,
          max: b.max,
          passThroughStripeFee: b.pass_through_stripe_fee,
        }).filter(([, v]) => v !== undefined),
      );
      return toApiFeeSchedule(
        await fees.setFeeSchedule(ctxOf(req, deps), tenantOf(req.params.id), req.params.id, input),
      );
    },
  );

  // GET /v1/tenants/:id/customers — the tenant's customers (`email` finds by email, case-insensitive)
  app.get(
    '/v1/tenants/:id/customers',
    {
      config: { access: { tenant: 'customers:read' } },
      schema: {
        tags: ['customers'],
        params: tenantParams,
        querystring: customerListQuery,
        response: { 200: listOf(customerSchema), ...errorResponses },
      },
    },
    async (req) => {
      const page = await customers.listCustomers(ctxOf(req, deps), tenantOf(req.params.id), req.params.id, {
        ...cursors('customer', req.query),
        email: req.query.email,
      });
      return toApiList(page, `/v1/tenants/${req.params.id}/customers`, (v) =>
        toApiCustomer(v.row, v.defaultPm),
      );
    },
  );

  // POST /v1/tenants/:id/customers — create a customer on the account charges are made on
  app.post(
    '/v1/tenants/:id/customers',
    {
      config: { access: { tenant: 'customers:write' } },
      schema: {
        tags: ['customers'],
        params: tenantParams,
        body: customerCreateBody,
        response: { 200: customerSchema, ...errorResponses },
      },
    },
    async (req) => {
      const v = await customers.createCustomer(
        ctxOf(req, deps),
        pdeps,
        tenantOf(req.params.id),
        req.params.id,
        req.body,
      );
      return toApiCustomer(v.row, v.defaultPm);
    },
  );

  // GET /v1/tenants/:id/customers/:customer_id
  app.get(
    '/v1/tenants/:id/customers/:customer_id',
    {
      config: { access: { tenant: 'customers:read' } },
      schema: {
        tags: ['customers'],
        params: customerParams,
        response: { 200: customerSchema, ...errorResponses },
      },
    },
    async (req) => {
      const id = parsePathId('customer', req.params.customer_id);
      const v = await customers.getCustomer(
        ctxOf(req, deps),
        tenantOf(req.params.id),
        req.params.id,
        id,
        req.params.customer_id,
      );
      return toApiCustomer(v.row, v.defaultPm);
    },
  );

  // POST /v1/tenants/:id/customers/:customer_id — update name, email, phone, address, metadata
  app.post(
    '/v1/tenants/:id/customers/:customer_id',
    {
      config: { access: { tenant: 'customers:write' } },
      schema: {
        tags: ['customers'],
        params: customerParams,
        body: customerUpdateBody,
        response: { 200: customerSchema, ...errorResponses },
      },
    },
    async (req) => {
      const id = parsePathId('customer', req.params.customer_id);
      const v = await customers.updateCustomer(
        ctxOf(req, deps),
        pdeps,
        tenantOf(req.params.id),
        req.params.id,
        id,
        req.params.customer_id,
        req.body,
      );
      return toApiCustomer(v.row, v.defaultPm);
    },
  );

  // GET /v1/tenants/:id/customers/:customer_id/payment_methods — saved methods
  app.get(
    '/v1/tenants/:id/customers/:customer_id/payment_methods',
    {
      config: { access: { tenant: 'customers:read' } },
      schema: {
        tags: ['customers'],
        params: customerParams,
        response: { 200: listOf(paymentMethodSchema), ...errorResponses },
      },
    },
    async (req) => {
      const id = parsePathId('customer', req.params.customer_id);
      const { customer, methods } = await customers.listPaymentMethods(
        ctxOf(req, deps),
        tenantOf(req.params.id),
        req.params.id,
        id,
        req.params.customer_id,
      );
      return {
        object: 'list' as const,
        has_more: false,
        url: `/v1/tenants/${req.params.id}/customers/${req.params.customer_id}/payment_methods`,
        data: methods.map((m) => toApiPaymentMethod(m, customer.defaultPaymentMethod)),
      };
    },
  );

  // POST /v1/tenants/:id/customers/:customer_id/setup_intents — save a card (3-D Secure handled) or bank account
  app.post(
    '/v1/tenants/:id/customers/:customer_id/setup_intents',
    {
      config: {
        access: { tenant: 'customers:write' },
        // the 3-D Secure URL carries the client secret too
        secretFields: ['client_secret', 'next_action'],
      },
      schema: {
        tags: ['customers'],
        params: customerParams,
        body: setupIntentBody,
        response: { 200: setupIntentSchema, ...errorResponses },
      },
    },
    async (req) => {
      const id = parsePathId('customer', req.params.customer_id);
      const out = await customers.setupPaymentMethod(
        ctxOf(req, deps),
        pdeps,
        tenantOf(req.params.id),
        req.params.id,
        id,
        req.params.customer_id,
        req.body ?? {},
      );
      const si = out.intent;
      const na = si.next_action as {
        type: string;
        redirect_to_url?: { url?: string };
        use_stripe_sdk?: { stripe_js?: string };
      } | null;
      return {
        object: 'setup_intent' as const,
        id: si.id,
        status: si.status,
        client_secret: si.status === 'succeeded' ? null : (si.client_secret ?? null),
        next_action: na
          ? { type: na.type, url: na.redirect_to_url?.url ?? na.use_stripe_sdk?.stripe_js ?? null }
          : null,
        payment_method: out.method ? toApiPaymentMethod(out.method, out.customer.defaultPaymentMethod) : null,
        last_error: si.last_setup_error
          ? {
              code: si.last_setup_error.decline_code ?? si.last_setup_error.code ?? null,
              message: si.last_setup_error.message ?? null,
            }
          : null,
      };
    },
  );

  // POST /v1/tenants/:id/customers/:customer_id/setup_sessions — Checkout's hosted page to save a method
  app.post(
    '/v1/tenants/:id/customers/:customer_id/setup_sessions',
    {
      config: { access: { tenant: 'customers:write' }, secretFields: ['url'] },
      schema: {
        tags: ['customers'],
        params: customerParams,
        body: setupSessionBody,
        response: { 200: setupSessionSchema, ...errorResponses },
      },
    },
    async (req, reply) => {
      const id = parsePathId('customer', req.params.customer_id);
      const out = await customers.setupSession(
        ctxOf(req, deps),
        pdeps,
        tenantOf(req.params.id),
        req.params.id,
        id,
        req.params.customer_id,
        req.body,
      );
      reply.header('cache-control', 'no-store');
      return { object: 'setup_session' as const, id: out.id, url: out.url, expires_at: out.expiresAt };
    },
  );

  // POST /v1/tenants/:id/customers/:customer_id/portal_session — a customer portal link (Stripe-hosted)
  app.post(
    '/v1/tenants/:id/customers/:customer_id/portal_session',
    {
      // whoever opens the portal cancels the customer's subscriptions and reads its invoices (issue 12)
      config: {
        access: { tenant: 'customers:write', also: ['subscriptions:write', 'invoices:read'] },
        secretFields: ['url'],
      },
      schema: {
        tags: ['customers'],
        params: customerParams,
        body: portalSessionBody,
        response: { 200: portalSessionSchema, ...errorResponses },
      },
    },
    async (req, reply) => {
      const id = parsePathId('customer', req.params.customer_id);
      const out = await customers.portalSession(
        ctxOf(req, deps),
        pdeps,
        tenantOf(req.params.id),
        req.params.id,
        id,
        req.params.customer_id,
        req.body ?? {},
      );
      reply.header('cache-control', 'no-store');
      return { object: 'customer_portal_session' as const, customer: req.params.customer_id, ...out };
    },
  );

  // POST /v1/tenants/:id/customers/:customer_id/payment_methods/:payment_method_id/default — make it the default
  app.post(
    '/v1/tenants/:id/customers/:customer_id/payment_methods/:payment_method_id/default',
    {
      config: { access: { tenant: 'customers:write' } },
      schema: { tags: ['customers'], params: pmParams, response: { 200: customerSchema, ...errorResponses } },
    },
    async (req) => {
      const id = parsePathId('customer', req.params.customer_id);
      const pmId = parsePathId('paymentMethod', req.params.payment_method_id, 'payment method');
      const v = await customers.setDefaultPaymentMethod(
        ctxOf(req, deps),
        pdeps,
        tenantOf(req.params.id),
        req.params.id,
        id,
        req.params.customer_id,
        pmId,
        req.params.payment_method_id,
      );
      return toApiCustomer(v.row, v.defaultPm);
    },
  );

  // DELETE /v1/tenants/:id/customers/:customer_id/payment_methods/:payment_method_id — detach it
  app.delete(
    '/v1/tenants/:id/customers/:customer_id/payment_methods/:payment_method_id',
    {
      config: { access: { tenant: 'customers:write' } },
      schema: {
        tags: ['customers'],
        params: pmParams,
        response: { 200: paymentMethodSchema, ...errorResponses },
      },
    },
    async (req) => {
      const id = parsePathId('customer', req.params.customer_id);
      const pmId = parsePathId('paymentMethod', req.params.payment_method_id, 'payment method');
      const row = await customers.detachPaymentMethod(
        ctxOf(req, deps),
        pdeps,
        tenantOf(req.params.id),
        req.params.id,
        id,
        req.params.customer_id,
        pmId,
        req.params.payment_method_id,
      );
      return toApiPaymentMethod(row, null);
    },
  );

  // POST /v1/tenants/:id/payment_intents — take a payment (off-session with a saved method, or on-session)
  app.post(
    '/v1/tenants/:id/payment_intents',
    {
      config: {
        access: { tenant: 'payments:write' },
        idempotency: 'required',
        // the 3-D Secure URL carries the client secret too
        secretFields: ['client_secret', 'next_action'],
      },
      schema: {
        tags: ['payments'],
        params: tenantParams,
        body: paymentIntentBody,
        response: { 200: paymentWithSecretSchema, ...errorResponses },
      },
    },
    async (req) => {
      const out = await payments.createPaymentIntent(
        ctxOf(req, deps),
        pdeps,
        tenantOf(req.params.id),
        req.params.id,
        req.body,
      );
      return { ...toApiPayment(out.row), client_secret: out.clientSecret };
    },
  );

  // GET /v1/tenants/:id/payments — filters: status, customer, q (search), created_gte/lte
  app.get(
    '/v1/tenants/:id/payments',
    {
      config: { access: { tenant: 'payments:read' } },
      schema: {
        tags: ['payments'],
        params: tenantParams,
        querystring: paymentListQuery,
        response: { 200: listOf(paymentSchema), ...errorResponses },
      },
    },
    async (req) => {
      const q = req.query;
      const page = await payments.listPayments(ctxOf(req, deps), tenantOf(req.params.id), req.params.id, {
        ...cursors('payment', q),
        status: q.status,
        customerId: filterId('customer', q.customer),
        q: q.q,
        createdGte: toDate(q.created_gte),
        createdLte: toDate(q.created_lte),
      });
      return toApiList(page, `/v1/tenants/${req.params.id}/payments`, toApiPayment);
    },
  );

  // GET /v1/tenants/:id/payments/export — the same filters, every row, as CSV
  app.get(
    '/v1/tenants/:id/payments/export',
    {
      config: { access: { tenant: 'payments:read' } },
      schema: { tags: ['payments'], params: tenantParams, querystring: paymentExportQuery },
    },
    async (req, reply) => {
      const q = req.query;
      const { rows, emails } = await payments.exportPayments(
        ctxOf(req, deps),
        tenantOf(req.params.id),
        req.params.id,
        {
          status: q.status,
          customerId: filterId('customer', q.customer),
          q: q.q,
          createdGte: toDate(q.created_gte),
          createdLte: toDate(q.created_lte),
        },
      );
      const header = [
        'id',
        'created',
        'status',
        'amount',
        'currency',
        'customer',
        'customer_email',
        'description',
        'payment_method',
        'last4',
        'platform_fee',
        'application_fee',
        'fee_top_up',
        'stripe_fee',
        'tenant_net',
        'platform_net',
        'fees_final',
        'amount_refunded',
        'dispute_status',
        'failure_code',
        'payment_intent',
        'charge',
      ];
      const lines = rows.map((r) =>
        [
          toPublicId('payment', r.id),
          r.createdAt.toISOString(),
          r.status,
          r.amount,
          r.currency,
          r.customerId ? toPublicId('customer', r.customerId) : '',
          r.customerId ? emails.get(r.customerId) : '',
          r.description,
          r.paymentMethodBrand ?? r.paymentMethodType,
          r.paymentMethodLast4,
          r.platformFee,
          r.applicationFeeAmount,
          r.feeTopUp,
          r.stripeFee,
          r.tenantNet,
          r.platformNet,
          r.feesFinal,
          r.amountRefunded,
          r.disputeStatus,
          r.failureCode,
          r.stripePaymentIntentId,
          r.stripeChargeId,
        ]
          .map(csvCell)
          .join(','),
      );
      reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="payments-${req.params.id}.csv"`)
        .header('cache-control', 'no-store');
      return `${[header.join(','), ...lines].join('\r\n')}\r\n`;
    },
  );

  // GET /v1/tenants/:id/payments/:payment_id — with refunds, disputes and a timeline
  app.get(
    '/v1/tenants/:id/payments/:payment_id',
    {
      config: { access: { tenant: 'payments:read' } },
      schema: {
        tags: ['payments'],
        params: paymentParams,
        response: { 200: paymentDetailSchema, ...errorResponses },
      },
    },
    async (req) => {
      const id = parsePathId('payment', req.params.payment_id);
      const d = await payments.getPayment(
        ctxOf(req, deps),
        tenantOf(req.params.id),
        req.params.id,
        id,
        req.params.payment_id,
      );
      return {
        ...toApiPayment(d.row),
        refunds: d.refunds.map(toApiRefund),
        disputes: d.disputes.map(toApiDispute),
        timeline: timeline(d),
      };
    },
  );

  // POST /v1/tenants/:id/payments/:payment_id/refunds — refund all or part (owners/admins)
  app.post(
    '/v1/tenants/:id/payments/:payment_id/refunds',
    {
      config: { access: { tenant: 'refunds:write' }, idempotency: 'required' },
      schema: {
        tags: ['payments'],
        params: paymentParams,
        body: refundBody,
        response: { 200: refundSchema, ...errorResponses },
      },
    },
    async (req) => {
      const id = parsePathId('payment', req.params.payment_id);
      const row = await refunds.createRefund(
        ctxOf(req, deps),
        pdeps,
        tenantOf(req.params.id),
        req.params.id,
        id,
        req.params.payment_id,
        req.body ?? {},
      );
      return toApiRefund(row);
    },
  );

  // GET /v1/tenants/:id/refunds — every refund (`payment` filters one payment's)
  app.get(
    '/v1/tenants/:id/refunds',
    {
      config: { access: { tenant: 'refunds:read' } },
      schema: {
        tags: ['payments'],
        params: tenantParams,
        querystring: refundListQuery,
        response: { 200: listOf(refundSchema), ...errorResponses },
      },
    },
    async (req) => {
      const page = await refunds.listRefunds(ctxOf(req, deps), tenantOf(req.params.id), req.params.id, {
        ...cursors('refund', req.query),
        paymentId: filterId('payment', req.query.payment),
      });
      return toApiList(page, `/v1/tenants/${req.params.id}/refunds`, toApiRefund);
    },
  );

  // GET /v1/tenants/:id/disputes
  app.get(
    '/v1/tenants/:id/disputes',
    {
      config: { access: { tenant: 'disputes:read' } },
      schema: {
        tags: ['payments'],
        params: tenantParams,
        querystring: disputeListQuery,
        response: { 200: listOf(disputeSchema), ...errorResponses },
      },
    },
    async (req) => {
      const page = await disputes.listDisputes(ctxOf(req, deps), tenantOf(req.params.id), req.params.id, {
        ...cursors('dispute', req.query),
        status: req.query.status,
      });
      return toApiList(page, `/v1/tenants/${req.params.id}/disputes`, toApiDispute);
    },
  );

  // GET /v1/tenants/:id/disputes/:dispute_id
  app.get(
    '/v1/tenants/:id/disputes/:dispute_id',
    {
      config: { access: { tenant: 'disputes:read' } },
      schema: {
        tags: ['payments'],
        params: disputeParams,
        response: { 200: disputeSchema, ...errorResponses },
      },
    },
    async (req) => {
      const id = parsePathId('dispute', req.params.dispute_id);
      return toApiDispute(
        await disputes.getDispute(
          ctxOf(req, deps),
          tenantOf(req.params.id),
          req.params.id,
          id,
          req.params.dispute_id,
        ),
      );
    },
  );

  // POST /v1/tenants/:id/disputes/:dispute_id/evidence — text and documents, sent to Stripe (and submitted)
  app.post(
    '/v1/tenants/:id/disputes/:dispute_id/evidence',
    {
      config: { access: { tenant: 'disputes:write' } },
      schema: {
        tags: ['payments'],
        params: disputeParams,
        body: evidenceBody,
        response: { 200: disputeSchema, ...errorResponses },
      },
    },
    async (req) => {
      const id = parsePathId('dispute', req.params.dispute_id);
      const body = req.body;
      if (!body.files.length && !Object.keys(body.evidence).length) {
        throw new ApiError('parameter_missing', 'Give some evidence: text fields or files.', {
          param: 'evidence',
        });
      }
      return toApiDispute(
        await disputes.submitEvidence(
          ctxOf(req, deps),
          pdeps,
          tenantOf(req.params.id),
          req.params.id,
          id,
          req.params.dispute_id,
          body as disputes.EvidenceInput,
        ),
      );
    },
  );
};
