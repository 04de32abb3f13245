import { z } from 'zod';
import { sendCsv } from '../../http/csv.ts';
import { toPublicId } from '../../http/ids.ts';
import { toApiList } from '../../http/pagination.ts';
import { type RouteModule, scopeOf } from '../../http/routing.ts';
import { cursors, errorResponses, listOf, tenantParams } from '../../http/schemas.ts';
import type { PaymentDeps } from '../common.ts';
import { toApiDispute } from '../disputes/schemas.ts';
import { filterId, paymentParams } from '../params.ts';
import { toApiRefund } from '../refunds/schemas.ts';
import { adjustedNets } from './nets.ts';
import {
  paymentDetailSchema,
  paymentExportQuery,
  paymentIntentBody,
  paymentListQuery,
  paymentSchema,
  paymentWithSecretSchema,
  toApiPayment,
} from './schemas.ts';
import * as payments from './service.ts';
import { timeline } from './timeline.ts';

const toDate = (s: number | undefined) => (s === undefined ? undefined : new Date(s * 1000));

export const chargeRoutes: RouteModule = (app, deps) => {
  const pdeps: PaymentDeps = { stripe: deps.services.stripe };

  // POST /v1/tenants/:id/payment_intents — take a payment (off-session with a saved method, or on-session)
  app.post(
    '/v1/tenants/:id/payment_intents',
    {
      config: {
        dunning: 'new_business',
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
      const out = await payments.createPaymentIntent(scopeOf(req, deps), pdeps, req.body);
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
      const page = await payments.listPayments(scopeOf(req, deps), {
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
      schema: {
        tags: ['payments'],
        params: tenantParams,
        querystring: paymentExportQuery,
        response: {
          200: {
            description: 'Every matching payment, one CSV line each',
            content: { 'text/csv': { schema: z.string() } },
          },
          ...errorResponses,
        },
      },
    },
    async (req, reply) => {
      const q = req.query;
      const { rows, emails } = await payments.exportPayments(scopeOf(req, deps), {
        status: q.status,
        customerId: filterId('customer', q.customer),
        q: q.q,
        createdGte: toDate(q.created_gte),
        createdLte: toDate(q.created_lte),
      });
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
        'application_fee_refunded',
        'dispute_net',
        'dispute_status',
        'failure_code',
        'payment_intent',
        'charge',
      ];
      const lines = rows.map((r) => [
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
        adjustedNets(r).tenantNet,
        adjustedNets(r).platformNet,
        r.feesFinal,
        r.amountRefunded,
        r.applicationFeeRefunded,
        r.disputeNet,
        r.disputeStatus,
        r.failureCode,
        r.stripePaymentIntentId,
        r.stripeChargeId,
      ]);
      return sendCsv(reply, `payments-${req.params.id}.csv`, header, lines);
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
      const d = await payments.getPayment(scopeOf(req, deps), req.params.payment_id);
      return {
        ...toApiPayment(d.row),
        refunds: d.refunds.map(toApiRefund),
        disputes: d.disputes.map(toApiDispute),
        timeline: timeline(d),
      };
    },
  );
};
