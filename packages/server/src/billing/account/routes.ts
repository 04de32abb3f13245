import { z } from 'zod';
import { type RouteModule, scopeOf } from '../../http/routing.ts';
import { errorResponses, tenantParams } from '../../http/schemas.ts';
import { confirmSetup } from './confirm-setup.ts';
import { getContact, setContact } from './contact.ts';
import { listPaymentMethods, makeDefault, openSetupPage, removeMethod } from './payment-methods.ts';
import {
  confirmationSchema,
  confirmBody,
  contactBody,
  contactSchema,
  methodParams,
  paymentMethodSchema,
  setupBody,
  setupSchema,
  toApiConfirmation,
  toApiContact,
  toApiMethod,
} from './schemas.ts';

// The tenant's billing account with the platform: its payment methods and billing contact
// (docs/platform-billing.md, "Billing account"). Invoices and credits: money-routes.ts.

export const billingAccountRoutes: RouteModule = (app, deps) => {
  const stripe = () => ({ stripe: deps.services.stripe });

  // POST /v1/tenants/:id/billing/payment_methods/setup — Stripe's hosted page adding a card or bank account
  app.post(
    '/v1/tenants/:id/billing/payment_methods/setup',
    {
      config: { dunning: 'allowed', access: { tenant: 'billing:write' } },
      schema: {
        tags: ['billing'],
        params: tenantParams,
        body: setupBody.optional(),
        response: { 200: setupSchema, ...errorResponses },
      },
    },
    async (req, reply) => {
      const page = await openSetupPage(scopeOf(req, deps), stripe(), req.body ?? {});
      reply.header('cache-control', 'no-store');
      return {
        object: 'billing_setup_page' as const,
        id: page.id,
        url: page.url,
        expires_at: page.expiresAt,
      };
    },
  );

  // POST /v1/tenants/:id/billing/payment_methods/confirm — back from Stripe's page: in dunning the method pays at once
  app.post(
    '/v1/tenants/:id/billing/payment_methods/confirm',
    {
      config: { dunning: 'allowed', access: { tenant: 'billing:write' }, idempotency: 'required' },
      schema: {
        tags: ['billing'],
        params: tenantParams,
        body: confirmBody,
        response: { 200: confirmationSchema, 202: confirmationSchema, ...errorResponses },
      },
    },
    async (req, reply) => {
      const jobs = await deps.services.jobs();
      const out = await confirmSetup(
        scopeOf(req, deps),
        { stripe: deps.services.stripe, jobs },
        { checkoutSession: req.body.checkout_session, via: 'dashboard' },
      );
      // the payment is still being decided: asking again with the same session answers its outcome
      reply.code(out.attempt.kind === 'processing' ? 202 : 200);
      return toApiConfirmation(out, toApiMethod(out.method));
    },
  );

  // GET /v1/tenants/:id/billing/payment_methods — the saved methods, the default first
  app.get(
    '/v1/tenants/:id/billing/payment_methods',
    {
      config: { access: { tenant: 'billing:read' } },
      schema: {
        tags: ['billing'],
        params: tenantParams,
        response: {
          200: z.object({ object: z.literal('list'), data: z.array(paymentMethodSchema) }),
          ...errorResponses,
        },
      },
    },
    async (req) => {
      const methods = await listPaymentMethods(scopeOf(req, deps), stripe());
      return { object: 'list' as const, data: methods.map(toApiMethod) };
    },
  );

  // POST /v1/tenants/:id/billing/payment_methods/:billing_pm_id/default — the method Stripe charges the plan invoices to
  app.post(
    '/v1/tenants/:id/billing/payment_methods/:billing_pm_id/default',
    {
      config: { dunning: 'allowed', access: { tenant: 'billing:write' } },
      schema: {
        tags: ['billing'],
        params: methodParams,
        response: { 200: paymentMethodSchema, ...errorResponses },
      },
    },
    async (req) => toApiMethod(await makeDefault(scopeOf(req, deps), stripe(), req.params.billing_pm_id)),
  );

  // DELETE /v1/tenants/:id/billing/payment_methods/:billing_pm_id — remove a method (never the last with an open invoice)
  app.delete(
    '/v1/tenants/:id/billing/payment_methods/:billing_pm_id',
    {
      config: { dunning: 'allowed', access: { tenant: 'billing:write' } },
      schema: {
        tags: ['billing'],
        params: methodParams,
        response: { 200: paymentMethodSchema.extend({ deleted: z.literal(true) }), ...errorResponses },
      },
    },
    async (req) => ({
      ...toApiMethod(await removeMethod(scopeOf(req, deps), stripe(), req.params.billing_pm_id)),
      deleted: true as const,
    }),
  );

  // GET /v1/tenants/:id/billing/contact — who the platform's invoices are addressed to
  app.get(
    '/v1/tenants/:id/billing/contact',
    {
      config: { access: { tenant: 'billing:read' } },
      schema: {
        tags: ['billing'],
        params: tenantParams,
        response: { 200: contactSchema, ...errorResponses },
      },
    },
    async (req) => toApiContact(await getContact(scopeOf(req, deps), stripe())),
  );

  // POST /v1/tenants/:id/billing/contact — set the name, e-mail and address on the tenant's Stripe customer
  app.post(
    '/v1/tenants/:id/billing/contact',
    {
      config: { dunning: 'allowed', access: { tenant: 'billing:write' } },
      schema: {
        tags: ['billing'],
        params: tenantParams,
        body: contactBody,
        response: { 200: contactSchema, ...errorResponses },
      },
    },
    async (req) => toApiContact(await setContact(scopeOf(req, deps), stripe(), req.body)),
  );
};
