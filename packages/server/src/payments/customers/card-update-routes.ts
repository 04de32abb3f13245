import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import type { RouteModule, Router } from '../../http/routing.ts';
import { cardUpdateLinkValid, openCardUpdate } from './card-update.ts';

// The page behind the "Update your card" button of customer e-mails (card-update.ts). The GET only shows a
// button, so a mail scanner that opens links opens no Stripe session; the button's POST opens one and
// redirects to it. A link that is not live gets a page that says so (400), never an error.

const tokenQuery = z.object({ token: z.string().max(200).default('') });

const pageHeaders = (reply: FastifyReply, status: number) =>
  reply
    .code(status)
    .header('cache-control', 'no-store')
    .header('referrer-policy', 'no-referrer')
    // no `form-action`: browsers apply it to the button's redirect too, and Stripe's page is elsewhere
    .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'")
    .type('text/html; charset=utf-8');

export const cardUpdateRoutes: RouteModule = (app, deps) => {
  // GET /billing/update_card — the e-mailed link: a page whose button opens the card update
  app.get(
    '/billing/update_card',
    { config: { auth: 'public' }, schema: { hide: true, querystring: tokenQuery } },
    async (req, reply) => {
      const valid = req.query.token !== '' && (await cardUpdateLinkValid(deps.db, req.query.token));
      pageHeaders(reply, valid ? 200 : 400);
      return valid ? buttonPage(`?token=${encodeURIComponent(req.query.token)}`) : invalidPage();
    },
  );

  // POST /billing/update_card — the page's button: a Stripe session to update the card, then there
  app.register(async (scoped) => {
    // the form's body is empty: the token is in the query
    scoped.addContentTypeParser('application/x-www-form-urlencoded', (_req, _body, done) => done(null, {}));
    (scoped as unknown as Router).post(
      '/billing/update_card',
      { config: { auth: 'public' }, schema: { hide: true, querystring: tokenQuery } },
      async (req, reply) => {
        const out =
          req.query.token === ''
            ? ({ kind: 'invalid' } as const)
            : await openCardUpdate({ db: deps.db, stripe: deps.services.stripe }, req.query.token, req.id);
        if (out.kind === 'ok') {
          reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer');
          return reply.redirect(out.url, 303);
        }
        pageHeaders(reply, out.kind === 'invalid' ? 400 : 503);
        return out.kind === 'invalid' ? invalidPage() : unavailablePage();
      },
    );
  });
};

const escapeAttr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark"><title>${title}</title>
<style>body{font-family:-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;line-height:1.5}
button{font:inherit;font-weight:600;padding:.6rem 1.2rem;border-radius:6px;border:0;background:#4f46e5;color:#fff;cursor:pointer}</style>
</head><body>${body}</body></html>`;
}

function buttonPage(action: string): string {
  return page(
    'Update your card',
    `<h1>Update your card</h1>
<p>Continue to a secure page where you can enter a new card for your payments.</p>
<form method="post" action="${escapeAttr(action)}"><button type="submit" data-testid="update-card">Continue</button></form>`,
  );
}

function invalidPage(): string {
  return page(
    'This link has expired',
    `<h1 data-testid="update-card-invalid">This link has expired or is not valid</h1>
<p>Links to change your card work for a limited time. Use the link in the most recent e-mail you received, or
contact the business that sent it for a new one.</p>`,
  );
}

function unavailablePage(): string {
  return page(
    'Please try again later',
    `<h1 data-testid="update-card-unavailable">The page cannot be opened right now</h1>
<p>Please try the link again in a few minutes. If it keeps failing, contact the business that sent it.</p>`,
  );
}
