import { toApiList } from '../../http/pagination.ts';
import { type RouteModule, scopeOf } from '../../http/routing.ts';
import { cursors, errorResponses, listOf, tenantParams } from '../../http/schemas.ts';
import type { PaymentDeps } from '../common.ts';
import { filterId, paymentParams } from '../params.ts';
import { refundBody, refundListQuery, refundSchema, toApiRefund } from './schemas.ts';
import * as refunds from './service.ts';

export const refundRoutes: RouteModule = (app, deps) => {
  const pdeps: PaymentDeps = { stripe: deps.services.stripe };

  // POST /v1/tenants/:id/payments/:payment_id/refunds — refund all or part (owners/admins)
  app.post(
    '/v1/tenants/:id/payments/:payment_id/refunds',
    {
      config: { dunning: 'allowed', access: { tenant: 'refunds:write' }, idempotency: 'required' },
      schema: {
        tags: ['payments'],
        params: paymentParams,
        body: refundBody,
        response: { 200: refundSchema, ...errorResponses },
      },
    },
    async (req) => {
      const row = await refunds.createRefund(scopeOf(req, deps), pdeps, {
        ...req.body,
        payment: req.params.payment_id,
      });
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
      const page = await refunds.listRefunds(scopeOf(req, deps), {
        ...cursors('refund', req.query),
        paymentId: filterId('payment', req.query.payment),
      });
      return toApiList(page, `/v1/tenants/${req.params.id}/refunds`, toApiRefund);
    },
  );
};
