import { z } from 'zod';
import { toApiList } from '../../http/pagination.ts';
import { type RouteModule, scopeOf } from '../../http/routing.ts';
import { cursors, errorResponses, listOf, pathId, tenantParams } from '../../http/schemas.ts';
import type { PaymentDeps } from '../common.ts';
import * as paymentMethods from './payment-methods.ts';
import {
  customerCreateBody,
  customerListQuery,
  customerSchema,
  customerUpdateBody,
  paymentMethodSchema,
  portalSessionBody,
  portalSessionSchema,
  setupIntentBody,
  setupIntentSchema,
  setupSessionBody,
  setupSessionSchema,
  toApiCustomer,
  toApiPaymentMethod,
} from './schemas.ts';
import * as customers from './service.ts';

const customerParams = z.strictObject({ id: pathId, customer_id: pathId });
const pmParams = z.strictObject({ id: pathId, customer_id: pathId, payment_method_id: pathId });

export const customerRoutes: RouteModule = (app, deps) => {
  const pdeps: PaymentDeps = { stripe: deps.services.stripe };

  // GET /v1/tenants/:id/customers — the tenant's customers (`email` finds by email, `q` by part of the
  // email or name; both case-insensitive)
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
      const page = await customers.listCustomers(scopeOf(req, deps), {
        ...cursors('customer', req.query),
        email: req.query.email,
        q: req.query.q,
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
      config: { dunning: 'allowed', access: { tenant: 'customers:write' } },
      schema: {
        tags: ['customers'],
        params: tenantParams,
        body: customerCreateBody,
        response: { 200: customerSchema, ...errorResponses },
      },
    },
    async (req) => {
      const v = await customers.createCustomer(scopeOf(req, deps), pdeps, req.body);
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
      const v = await customers.getCustomer(scopeOf(req, deps), req.params.customer_id);
      return toApiCustomer(v.row, v.defaultPm);
    },
  );

  // POST /v1/tenants/:id/customers/:customer_id — update name, email, phone, address, metadata
  app.post(
    '/v1/tenants/:id/customers/:customer_id',
    {
      config: { dunning: 'allowed', access: { tenant: 'customers:write' } },
      schema: {
        tags: ['customers'],
        params: customerParams,
        body: customerUpdateBody,
        response: { 200: customerSchema, ...errorResponses },
      },
    },
    async (req) => {
      const v = await customers.updateCustomer(scopeOf(req, deps), pdeps, {
        ...req.body,
        customer: req.params.customer_id,
      });
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
      const { customer, methods } = await paymentMethods.listPaymentMethods(
        scopeOf(req, deps),
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
        dunning: 'allowed',
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
      const out = await paymentMethods.setupPaymentMethod(scopeOf(req, deps), pdeps, {
        ...req.body,
        customer: req.params.customer_id,
      });
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
      config: { dunning: 'allowed', access: { tenant: 'customers:write' }, secretFields: ['url'] },
      schema: {
        tags: ['customers'],
        params: customerParams,
        body: setupSessionBody,
        response: { 200: setupSessionSchema, ...errorResponses },
      },
    },
    async (req, reply) => {
      const out = await paymentMethods.setupSession(scopeOf(req, deps), pdeps, {
        ...req.body,
        customer: req.params.customer_id,
      });
      reply.header('cache-control', 'no-store');
      return { object: 'setup_session' as const, id: out.id, url: out.url, expires_at: out.expiresAt };
    },
  );

  // POST /v1/tenants/:id/customers/:customer_id/portal_session — a customer portal link (Stripe-hosted)
  app.post(
    '/v1/tenants/:id/customers/:customer_id/portal_session',
    {
      // whoever opens the portal cancels the customer's subscriptions and reads its invoices
      config: {
        dunning: 'allowed',
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
      const out = await customers.portalSession(scopeOf(req, deps), pdeps, {
        ...req.body,
        customer: req.params.customer_id,
      });
      reply.header('cache-control', 'no-store');
      return { object: 'customer_portal_session' as const, customer: req.params.customer_id, ...out };
    },
  );

  // POST /v1/tenants/:id/customers/:customer_id/payment_methods/:payment_method_id/default — make it the default
  app.post(
    '/v1/tenants/:id/customers/:customer_id/payment_methods/:payment_method_id/default',
    {
      config: { dunning: 'allowed', access: { tenant: 'customers:write' } },
      schema: { tags: ['customers'], params: pmParams, response: { 200: customerSchema, ...errorResponses } },
    },
    async (req) => {
      const v = await paymentMethods.setDefaultPaymentMethod(scopeOf(req, deps), pdeps, {
        customer: req.params.customer_id,
        paymentMethod: req.params.payment_method_id,
      });
      return toApiCustomer(v.row, v.defaultPm);
    },
  );

  // DELETE /v1/tenants/:id/customers/:customer_id/payment_methods/:payment_method_id — detach it
  app.delete(
    '/v1/tenants/:id/customers/:customer_id/payment_methods/:payment_method_id',
    {
      config: { dunning: 'allowed', access: { tenant: 'customers:write' } },
      schema: {
        tags: ['customers'],
        params: pmParams,
        response: { 200: paymentMethodSchema, ...errorResponses },
      },
    },
    async (req) => {
      const row = await paymentMethods.detachPaymentMethod(scopeOf(req, deps), pdeps, {
        customer: req.params.customer_id,
        paymentMethod: req.params.payment_method_id,
      });
      return toApiPaymentMethod(row, null);
    },
  );
};
