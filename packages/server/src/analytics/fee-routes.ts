import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { wantsCsv } from '../http/csv.ts';
import { ApiError } from '../http/errors.ts';
import { toPublicId } from '../http/ids.ts';
import { ctxOf, type RouteModule, scopeOf } from '../http/routing.ts';
import { errorResponses, tenantParams, unixTime } from '../http/schemas.ts';
import { audienceOf } from './audience.ts';
import { platformFeeDifferences, platformFeeReport, tenantFeeReport } from './fee-report.ts';
import {
  platformFeeReportSchema,
  platformFeeRow,
  platformReportQuery,
  platformTenantFeeRow,
  reportCsv,
  reportQuery,
  tenantFeeReportSchema,
  tenantFeeRow,
  toApiPlatformReport,
  toApiTenantReport,
} from './fee-schemas.ts';

/** The report's rows as a CSV download (a string body with a non-JSON type is sent as it is). */
function sendCsv(reply: FastifyReply, name: string, csv: string) {
  return reply
    .type('text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${name}.csv"`)
    .header('cache-control', 'no-store')
    .send(csv);
}

/** A tenant's report, or its rows as CSV. */
function tenantReply(reply: FastifyReply, body: ReturnType<typeof toApiTenantReport>, csv: boolean) {
  if (!csv) return body;
  return sendCsv(reply, `fees-${body.tenant}-${body.from}-${body.to}`, reportCsv(tenantFeeRow, body.data));
}

const CSV =
  "Per month (UTC) and currency, amounts in minor units, ratios exact (numerator, denominator) with their percentage. With `Accept: text/csv`, the same rows as CSV (the platform's with `group_by=tenant`: one line per tenant, month and currency).";

const feeDifference = z.object({
  payment: z.string(),
  tenant: z.string(),
  charge: z.string().nullable(),
  currency: z.string(),
  charged_at: z.number().int(),
  /** the fee schedule's fee: the application fee set on the charge plus any top-up after it */
  schedule_fee: z.number().int(),
  application_fee_amount: z.number().int(),
  fee_top_up: z.number().int(),
  fee_top_up_uncollected: z.number().int(),
  /** the fee Stripe booked in the payment's currency (null: no balance transaction of it read yet) */
  booked_fee: z.number().int().nullable(),
  /** collected (booked + top-up − uncollected) − schedule fee; null while nothing is booked */
  difference: z.number().int().nullable(),
  fee_refunded: z.number().int(),
  fee_refunds_booked: z.number().int(),
  reason: z.enum(['not_booked', 'other_currency', 'fee_differs', 'fee_refunds_differ']),
});

const feeDifferencesResult = z.object({
  object: z.literal('list'),
  from: z.string(),
  to: z.string(),
  as_of: z.number().int(),
  data: z.array(feeDifference),
  has_more: z.boolean(),
  url: z.string(),
});

export const feeReportRoutes: RouteModule = (app, deps) => {
  // GET /v1/analytics/fee_differences — tenants' payments whose fee as Stripe booked it is not the schedule's
  app.get(
    '/v1/analytics/fee_differences',
    {
      config: { access: { platform: 'analytics:read' } },
      schema: {
        tags: ['analytics'],
        querystring: reportQuery,
        response: { 200: feeDifferencesResult, ...errorResponses },
      },
    },
    async (req, reply) => {
      const r = await platformFeeDifferences(ctxOf(req, deps), req.query);
      reply.header('cache-control', 'no-store');
      return {
        object: 'list' as const,
        from: r.from,
        to: r.to,
        as_of: unixTime(r.asOf)!,
        has_more: r.hasMore,
        url: '/v1/analytics/fee_differences',
        data: r.rows.map((d) => {
          const difference =
            d.bookedFee === null ? null : d.bookedFee - d.applicationFeeAmount - d.feeTopUpUncollected;
          return {
            payment: toPublicId('payment', d.paymentId),
            tenant: toPublicId('tenant', d.tenantId),
            charge: d.charge,
            currency: d.currency,
            charged_at: unixTime(d.chargedAt)!,
            schedule_fee: d.applicationFeeAmount + d.feeTopUp,
            application_fee_amount: d.applicationFeeAmount,
            fee_top_up: d.feeTopUp,
            fee_top_up_uncollected: d.feeTopUpUncollected,
            booked_fee: d.bookedFee,
            difference,
            fee_refunded: d.feeRefunded,
            fee_refunds_booked: d.feeRefundsBooked,
            reason: d.otherCurrency
              ? ('other_currency' as const)
              : d.bookedFee === null
                ? ('not_booked' as const)
                : difference !== 0
                  ? ('fee_differs' as const)
                  : ('fee_refunds_differ' as const),
          };
        }),
      };
    },
  );

  // GET /v1/analytics/fees — the platform's fee revenue, GMV and take rate per month and currency (a tenant's
  // own key reads its own report, as under /v1/tenants/:id/analytics/fees)
  app.get(
    '/v1/analytics/fees',
    {
      config: { access: { ownTenants: 'analytics:read' } },
      schema: {
        tags: ['analytics'],
        description: CSV,
        querystring: platformReportQuery,
        response: { 200: z.union([platformFeeReportSchema, tenantFeeReportSchema]), ...errorResponses },
      },
    },
    async (req, reply) => {
      const q = req.query;
      const audience = audienceOf(req, deps);
      if (audience.kind === 'tenant') {
        if (q.group_by)
          throw new ApiError(
            'parameter_invalid',
            "Invalid group_by: only the platform's report is grouped.",
            {
              param: 'group_by',
            },
          );
        return tenantReply(
          reply,
          toApiTenantReport(await tenantFeeReport(audience.scope, q), audience.scope.tenantId),
          wantsCsv(req),
        );
      }
      const report = await platformFeeReport(audience.ctx, { ...q, byTenant: q.group_by === 'tenant' });
      const body = toApiPlatformReport(report);
      if (!wantsCsv(req)) return body;
      const csv = body.by_tenant
        ? reportCsv(platformTenantFeeRow, body.by_tenant)
        : reportCsv(platformFeeRow, body.data);
      return sendCsv(reply, `fees-${body.from}-${body.to}`, csv);
    },
  );

  // GET /v1/tenants/:id/analytics/fees — the tenant's volume, refunds, disputes and the fees it paid
  app.get(
    '/v1/tenants/:id/analytics/fees',
    {
      config: { access: { tenant: 'analytics:read' } },
      schema: {
        tags: ['analytics'],
        description: CSV,
        params: tenantParams,
        querystring: reportQuery,
        response: { 200: tenantFeeReportSchema, ...errorResponses },
      },
    },
    async (req, reply) => {
      const scope = scopeOf(req, deps);
      const body = toApiTenantReport(await tenantFeeReport(scope, req.query), scope.tenantId);
      return tenantReply(reply, body, wantsCsv(req));
    },
  );
};
