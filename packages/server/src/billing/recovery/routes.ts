import type { FastifyRequest } from 'fastify';
import type { Ctx } from '../../context.ts';
import { ApiError } from '../../http/errors.ts';
import type { TenantId } from '../../http/ids.ts';
import { type RouteModule, type Router, scopeOf } from '../../http/routing.ts';
import { errorResponses, tenantParams } from '../../http/schemas.ts';
import { findTenant } from '../../tenants/service.ts';
import { confirmSetup } from '../account/confirm-setup.ts';
import { confirmBody, setupSchema, toApiConfirmation } from '../account/schemas.ts';
import { mintLink, openCardPage, owedInvoices, payOpenInvoice, recoveryScope, summary } from './recover.ts';
import {
  linkSchema,
  owed,
  payBody,
  paymentSchema,
  recoveryConfirmationSchema,
  statusSchema,
  summarySchema,
  toApiRecoveryInvoice,
  toApiRecoveryMethod,
  toApiSummary,
} from './schemas.ts';
import { checkRecoveryToken } from './token.ts';

// The recovery page's API (docs/platform-billing.md, "Recovery"): public routes that authenticate the page's
// signed token themselves (`Authorization: Bearer rcv_…`) and do only what it grants, and the dashboard's
// routes: what is owed (every member), and the page's link (a member who may pay).

declare module 'fastify' {
  interface FastifyRequest {
    /** the tenant a verified recovery token names, and when the token ends (Unix seconds) */
    recoveryLink: { tenantId: TenantId; expiresAt: number } | null;
  }
}

const presented = (req: FastifyRequest): string => {
  const [scheme, value = ''] = (req.headers.authorization ?? '').split(' ', 2);
  return scheme?.toLowerCase() === 'bearer' ? value.trim() : '';
};

export const recoveryRoutes: RouteModule = (app, deps) => {
  app.register(async (plugin) => {
    const scoped = plugin as unknown as Router;
    scoped.decorateRequest('recoveryLink', null);
    // before the body is read: a request without a live token learns nothing of the routes' parameters
    scoped.addHook('onRequest', async (req) => {
      const token = presented(req);
      const check = checkRecoveryToken(deps.config, token);
      if (check.kind === 'expired')
        throw new ApiError(
          'recovery_token_expired',
          'This payment link has expired (links work for 30 days). Sign in to the dashboard to pay, or use the link of a newer e-mail.',
        );
      if (check.kind === 'invalid' || !(await findTenant(deps.db, check.tenantId)))
        throw new ApiError(
          'recovery_token_invalid',
          'This payment link is not valid. Open it again from the e-mail, or sign in to the dashboard to pay.',
        );
      req.recoveryLink = { tenantId: check.tenantId, expiresAt: check.expiresAt };
      req.tokenCaller = `recovery:${check.tenantId}`;
    });
    const scopeFor = (req: FastifyRequest) => {
      const link = req.recoveryLink!;
      const ctx: Ctx = {
        db: deps.db,
        config: deps.config,
        actor: { kind: 'system', label: 'recovery link' },
        requestId: req.id,
        log: req.log,
        ...(req.idempotency ? { requestKey: `${req.idempotency.caller}:${req.idempotency.key}` } : {}),
      };
      return recoveryScope(ctx, link.tenantId);
    };

    // GET /v1/recovery — what the tenant's dunning case owes and its saved cards, for the recovery page
    scoped.get(
      '/v1/recovery',
      {
        config: { auth: 'public' },
        schema: { tags: ['billing'], response: { 200: summarySchema, ...errorResponses } },
      },
      async (req, reply) => {
        reply.header('cache-control', 'no-store');
        const s = await summary(scopeFor(req), { stripe: deps.services.stripe });
        return toApiSummary(s, req.recoveryLink!.tenantId, req.recoveryLink!.expiresAt);
      },
    );

    // POST /v1/recovery/pay — pay the oldest owed invoice with one saved card, the tenant present (3-D Secure)
    scoped.post(
      '/v1/recovery/pay',
      {
        config: { auth: 'public', idempotency: 'required' },
        schema: { tags: ['billing'], body: payBody, response: { 200: paymentSchema, ...errorResponses } },
      },
      async (req) => {
        const jobs = await deps.services.jobs();
        const out = await payOpenInvoice(
          scopeFor(req),
          { stripe: deps.services.stripe, jobs },
          { invoice: req.body.invoice, paymentMethod: req.body.payment_method },
        );
        return {
          object: 'billing_recovery_payment' as const,
          status: out.status,
          state: out.state as 'active',
          invoice: toApiRecoveryInvoice(out.invoice),
          url: out.status === 'requires_action' ? out.url : null,
        };
      },
    );

    // POST /v1/recovery/payment_methods/setup — Stripe's page adding a card, back to the recovery page
    scoped.post(
      '/v1/recovery/payment_methods/setup',
      {
        config: { auth: 'public' },
        schema: { tags: ['billing'], response: { 200: setupSchema, ...errorResponses } },
      },
      async (req, reply) => {
        const page = await openCardPage(scopeFor(req), { stripe: deps.services.stripe });
        reply.header('cache-control', 'no-store');
        return {
          object: 'billing_setup_page' as const,
          id: page.id,
          url: page.url,
          expires_at: page.expiresAt,
        };
      },
    );

    // POST /v1/recovery/payment_methods/confirm — back from Stripe's page: the new card pays what is owed at once
    scoped.post(
      '/v1/recovery/payment_methods/confirm',
      {
        config: { auth: 'public', idempotency: 'required' },
        schema: {
          tags: ['billing'],
          body: confirmBody,
          response: { 200: recoveryConfirmationSchema, 202: recoveryConfirmationSchema, ...errorResponses },
        },
      },
      async (req, reply) => {
        const jobs = await deps.services.jobs();
        const out = await confirmSetup(
          scopeFor(req),
          { stripe: deps.services.stripe, jobs },
          { checkoutSession: req.body.checkout_session, via: 'recovery_link' },
        );
        // still being decided: confirming the same session again answers its outcome
        reply.code(out.attempt.kind === 'processing' ? 202 : 200);
        return toApiConfirmation(out, toApiRecoveryMethod(out.method));
      },
    );
  });

  // GET /v1/tenants/:id/billing/recovery — for the dashboard's banner, to every member: what is owed
  app.get(
    '/v1/tenants/:id/billing/recovery',
    {
      config: { access: { tenant: 'billing:read' } },
      schema: { tags: ['billing'], params: tenantParams, response: { 200: statusSchema, ...errorResponses } },
    },
    async (req) => {
      const { row, invoices } = await owedInvoices(scopeOf(req, deps));
      const total = owed(invoices);
      return {
        object: 'billing_recovery_status' as const,
        state: (row?.state ?? 'active') as 'active',
        amount_owed: total.amount,
        currency: total.currency,
      };
    },
  );

  // POST /v1/tenants/:id/billing/recovery/link — a fresh recovery link, for a member who may pay (it pays and
  // adds cards: billing:write)
  app.post(
    '/v1/tenants/:id/billing/recovery/link',
    {
      config: { dunning: 'allowed', access: { tenant: 'billing:write' }, secretFields: ['url'] },
      schema: { tags: ['billing'], params: tenantParams, response: { 200: linkSchema, ...errorResponses } },
    },
    async (req, reply) => {
      const scope = scopeOf(req, deps);
      const link = await mintLink(scope);
      reply.header('cache-control', 'no-store');
      return { object: 'billing_recovery_link' as const, url: link.url, expires_at: link.expiresAt };
    },
  );
};
