import { ctxOf, type RouteModule, scopeOf } from '../http/routing.ts';
import { errorResponses, tenantParams } from '../http/schemas.ts';
import {
  feePreviewQuery,
  feePreviewSchema,
  feeScheduleBody,
  feeScheduleSchema,
  platformFeeScheduleSchema,
  toApiFeePreview,
  toApiFeeSchedule,
  toApiPlatformFeeSchedule,
} from './schemas.ts';
import * as fees from './service.ts';

export const feeRoutes: RouteModule = (app, deps) => {
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
        await fees.previewFees(scopeOf(req, deps), {
          amount: req.query.amount,
          currency: req.query.currency,
        }),
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
    async (req) => toApiFeeSchedule(await fees.getFeeSchedule(scopeOf(req, deps))),
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
      return toApiFeeSchedule(await fees.setFeeSchedule(scopeOf(req, deps), input));
    },
  );
};
