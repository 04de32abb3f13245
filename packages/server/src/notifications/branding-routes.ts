import { type RouteModule, scopeOf } from '../http/routing.ts';
import { errorResponses, tenantParams } from '../http/schemas.ts';
import {
  billingContactBody,
  brandingPreviewBody,
  brandingPreviewSchema,
  brandingSchema,
  brandingUpdateBody,
  toApiBranding,
  verifyQuery,
} from './branding-schemas.ts';
import * as branding from './branding-service.ts';

export const brandingRoutes: RouteModule = (app, deps) => {
  // GET /v1/tenants/:id/branding — display name, logo, accent colour, Reply-To and billing contact
  app.get(
    '/v1/tenants/:id/branding',
    {
      config: { access: { tenant: 'tenants:read' } },
      schema: {
        tags: ['notifications'],
        params: tenantParams,
        response: { 200: brandingSchema, ...errorResponses },
      },
    },
    async (req) => toApiBranding(await branding.getBranding(scopeOf(req, deps))),
  );

  // POST /v1/tenants/:id/branding — change the look of the tenant's e-mails and their Reply-To
  app.post(
    '/v1/tenants/:id/branding',
    {
      config: { access: { tenant: 'tenants:write' } },
      schema: {
        tags: ['notifications'],
        params: tenantParams,
        body: brandingUpdateBody,
        response: { 200: brandingSchema, ...errorResponses },
      },
    },
    async (req) => toApiBranding(await branding.updateBranding(scopeOf(req, deps), req.body)),
  );

  // POST /v1/tenants/:id/branding/preview — an e-mail rendered with the proposed look (nothing is saved)
  app.post(
    '/v1/tenants/:id/branding/preview',
    {
      config: { access: { tenant: 'tenants:read' } },
      schema: {
        tags: ['notifications'],
        params: tenantParams,
        body: brandingPreviewBody,
        response: { 200: brandingPreviewSchema, ...errorResponses },
      },
    },
    async (req) => {
      const p = await branding.previewBranding(scopeOf(req, deps), req.body);
      return {
        object: 'email_preview' as const,
        from: p.from,
        reply_to: p.replyTo,
        subject: p.subject,
        html: p.html,
        text: p.text,
      };
    },
  );

  // POST /v1/tenants/:id/billing_contact — set (e-mailing it a verification link) or remove the contact
  app.post(
    '/v1/tenants/:id/billing_contact',
    {
      config: { access: { tenant: 'tenants:write' } },
      schema: {
        tags: ['notifications'],
        params: tenantParams,
        body: billingContactBody,
        response: { 200: brandingSchema, ...errorResponses },
      },
    },
    async (req) =>
      toApiBranding(
        await branding.setBillingContact(scopeOf(req, deps), await deps.services.jobs(), req.body.email),
      ),
  );

  // GET /notifications/billing_contact/verify — the link e-mailed to the billing contact (single use)
  app.get(
    '/notifications/billing_contact/verify',
    { config: { auth: 'public' }, schema: { hide: true, querystring: verifyQuery } },
    async (req, reply) => {
      reply.header('cache-control', 'no-store');
      reply.header('referrer-policy', 'no-referrer');
      return reply.redirect(await branding.verifyBillingContact(deps.db, deps.config, req.query), 303);
    },
  );
};
