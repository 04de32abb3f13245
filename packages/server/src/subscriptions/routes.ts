import { z } from 'zod';
import { fromPublicId } from '../http/ids.ts';
import { listQuerySchema, toApiList } from '../http/pagination.ts';
import { type RouteModule, scopeOf } from '../http/routing.ts';
import { cursors, errorResponses, listOf, pathId, tenantParams } from '../http/schemas.ts';
import {
  priceCreateBody,
  priceListQuery,
  priceSchema,
  productCreateBody,
  productCreatedSchema,
  productSchema,
  subscriptionCancelBody,
  subscriptionCreateBody,
  subscriptionListQuery,
  subscriptionSchema,
  subscriptionUpdateBody,
  toApiPrice,
  toApiProduct,
  toApiSubscription,
} from './schemas.ts';
import * as subs from './service.ts';

// Subscriptions on connected accounts, nested under the tenant: /v1/tenants/:id/… (docs/api.md).
const subParams = z.strictObject({ id: pathId, subscription_id: pathId });
const NONE = '00000000-0000-0000-0000-000000000000';

const out = (v: subs.SubscriptionView) => toApiSubscription(v.row, v.invoices, v.summary);

export const subscriptionRoutes: RouteModule = (app, deps) => {
  const sdeps: subs.SubscriptionDeps = { stripe: deps.services.stripe };
  const one = { params: subParams, response: { 200: subscriptionSchema, ...errorResponses } };

  // GET /v1/tenants/:id/products — products mirrored from the account subscriptions are made on
  app.get(
    '/v1/tenants/:id/products',
    {
      config: { access: { tenant: 'subscriptions:read' } },
      schema: {
        tags: ['subscriptions'],
        params: tenantParams,
        querystring: listQuerySchema,
        response: { 200: listOf(productSchema), ...errorResponses },
      },
    },
    async (req) => {
      const page = await subs.listProducts(scopeOf(req, deps), {
        ...cursors('product', req.query),
      });
      return toApiList(page, `/v1/tenants/${req.params.id}/products`, toApiProduct);
    },
  );

  // POST /v1/tenants/:id/products — create on Stripe and store its id
  app.post(
    '/v1/tenants/:id/products',
    {
      config: { dunning: 'allowed', access: { tenant: 'subscriptions:write' } },
      schema: {
        tags: ['subscriptions'],
        params: tenantParams,
        body: productCreateBody,
        response: { 200: productCreatedSchema, ...errorResponses },
      },
    },
    async (req) => {
      const made = await subs.createProduct(scopeOf(req, deps), sdeps, req.body);
      return { ...toApiProduct(made.product), price: made.price ? toApiPrice(made.price) : null };
    },
  );

  // GET /v1/tenants/:id/prices — recurring prices (`product` filters)
  app.get(
    '/v1/tenants/:id/prices',
    {
      config: { access: { tenant: 'subscriptions:read' } },
      schema: {
        tags: ['subscriptions'],
        params: tenantParams,
        querystring: priceListQuery,
        response: { 200: listOf(priceSchema), ...errorResponses },
      },
    },
    async (req) => {
      const page = await subs.listPrices(scopeOf(req, deps), {
        ...cursors('price', req.query),
        productId:
          req.query.product === undefined ? undefined : (fromPublicId('product', req.query.product) ?? NONE),
      });
      return toApiList(page, `/v1/tenants/${req.params.id}/prices`, toApiPrice);
    },
  );

  // POST /v1/tenants/:id/prices — a recurring price of a product
  app.post(
    '/v1/tenants/:id/prices',
    {
      config: { dunning: 'allowed', access: { tenant: 'subscriptions:write' } },
      schema: {
        tags: ['subscriptions'],
        params: tenantParams,
        body: priceCreateBody,
        response: { 200: priceSchema, ...errorResponses },
      },
    },
    async (req) => toApiPrice(await subs.createPrice(scopeOf(req, deps), sdeps, req.body)),
  );

  // GET /v1/tenants/:id/subscriptions
  app.get(
    '/v1/tenants/:id/subscriptions',
    {
      config: { access: { tenant: 'subscriptions:read' } },
      schema: {
        tags: ['subscriptions'],
        params: tenantParams,
        querystring: subscriptionListQuery,
        response: { 200: listOf(subscriptionSchema), ...errorResponses },
      },
    },
    async (req) => {
      const page = await subs.listSubscriptions(scopeOf(req, deps), {
        ...cursors('subscription', req.query),
        status: req.query.status,
        customerId:
          req.query.customer === undefined
            ? undefined
            : (fromPublicId('customer', req.query.customer) ?? NONE),
      });
      return toApiList(page, `/v1/tenants/${req.params.id}/subscriptions`, (v) =>
        toApiSubscription(v.row, null, v.summary),
      );
    },
  );

  // POST /v1/tenants/:id/subscriptions — subscribe a customer (optional trial) with the platform's fee percent
  app.post(
    '/v1/tenants/:id/subscriptions',
    {
      config: { dunning: 'new_business', access: { tenant: 'subscriptions:write' }, idempotency: 'required' },
      schema: {
        tags: ['subscriptions'],
        params: tenantParams,
        body: subscriptionCreateBody,
        response: { 200: subscriptionSchema, ...errorResponses },
      },
    },
    async (req) => out(await subs.createSubscription(scopeOf(req, deps), sdeps, req.body)),
  );

  // GET /v1/tenants/:id/subscriptions/:subscription_id — with its invoices
  app.get(
    '/v1/tenants/:id/subscriptions/:subscription_id',
    { config: { access: { tenant: 'subscriptions:read' } }, schema: { tags: ['subscriptions'], ...one } },
    async (req) => out(await subs.getSubscription(scopeOf(req, deps), req.params.subscription_id)),
  );

  // POST /v1/tenants/:id/subscriptions/:subscription_id — change the quantity or cancel at the period end
  app.post(
    '/v1/tenants/:id/subscriptions/:subscription_id',
    {
      config: { dunning: 'new_business', access: { tenant: 'subscriptions:write' } },
      schema: { tags: ['subscriptions'], ...one, body: subscriptionUpdateBody },
    },
    async (req) =>
      out(
        await subs.changeSubscription(scopeOf(req, deps), sdeps, {
          subscription: req.params.subscription_id,
          change: req.body,
          action: 'updated',
        }),
      ),
  );

  // POST /v1/tenants/:id/subscriptions/:subscription_id/cancel — now, or at the period end
  app.post(
    '/v1/tenants/:id/subscriptions/:subscription_id/cancel',
    {
      config: { dunning: 'allowed', access: { tenant: 'subscriptions:write' } },
      schema: { tags: ['subscriptions'], ...one, body: subscriptionCancelBody },
    },
    async (req) =>
      out(
        await subs.changeSubscription(scopeOf(req, deps), sdeps, {
          subscription: req.params.subscription_id,
          change: req.body.at_period_end ? { cancel_at_period_end: true } : { cancel: 'now' },
          action: 'canceled',
        }),
      ),
  );
};
