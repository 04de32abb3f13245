import { type RouteModule, type Router, scopeOf } from '../http/routing.ts';
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
      config: { dunning: 'allowed', access: { tenant: 'tenants:write' } },
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
      config: { dunning: 'allowed', access: { tenant: 'tenants:read' } },
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
      config: { dunning: 'allowed', access: { tenant: 'tenants:write' } },
      schema: {
        tags: ['notifications'],
        // not derived: it would be the same as `POST /v1/tenants/:id/billing/contact`'s
        operationId: 'postTenantsBrandingBillingContact',
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

  // GET /notifications/billing_contact/verify — the link e-mailed to the billing contact: a page whose button
  // confirms. The GET changes nothing, so a mail scanner that opens links does not verify the address.
  app.get(
    '/notifications/billing_contact/verify',
    { config: { auth: 'public' }, schema: { hide: true, querystring: verifyQuery } },
    async (req, reply) => {
      const action = `?tenant=${encodeURIComponent(req.query.tenant)}&token=${encodeURIComponent(req.query.token)}`;
      reply
        .header('cache-control', 'no-store')
        .header('referrer-policy', 'no-referrer')
        .header(
          'content-security-policy',
          "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
        )
        .type('text/html; charset=utf-8');
      return confirmPage(action);
    },
  );

  // POST /notifications/billing_contact/verify — the page's button: verifies (single use), then to Settings
  app.register(async (scoped) => {
    // the form's body is empty: tenant and token are in the query
    scoped.addContentTypeParser('application/x-www-form-urlencoded', (_req, _body, done) => done(null, {}));
    (scoped as unknown as Router).post(
      '/notifications/billing_contact/verify',
      { config: { auth: 'public' }, schema: { hide: true, querystring: verifyQuery } },
      async (req, reply) => {
        reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer');
        return reply.redirect(await branding.verifyBillingContact(deps.db, deps.config, req.query), 303);
      },
    );
  });
};

const escapeAttr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

function confirmPage(action: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark"><title>Confirm your billing contact address</title>
<style>body{font-family:-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;line-height:1.5}
button{font:inherit;font-weight:600;padding:.6rem 1.2rem;border-radius:6px;border:0;background:#4f46e5;color:#fff;cursor:pointer}</style>
</head><body><h1>Confirm your address</h1>
<p>Confirm that this address is the billing contact of the workspace that entered it. The link works once.</p>
<form method="post" action="${escapeAttr(action)}"><button type="submit" data-testid="verify-billing-contact">Confirm this address</button></form>
</body></html>`;
}
