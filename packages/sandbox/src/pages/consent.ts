// Hosted OAuth consent page for Standard accounts: approve → redirect with code+state, deny → access_denied.
import type { ServerResponse } from 'node:http';
import type { App } from '../app.ts';
import { approve } from '../connect/oauth.ts';
import { isPlain, type Params } from '../wire/schema.ts';
import { esc, page, redirect, sendHtml, withQuery } from './html.ts';

export function showConsent(app: App, res: ServerResponse, q: Params) {
  const clientId = String(q.client_id ?? '');
  if (clientId !== app.config.connectClientId) {
    return sendHtml(
      res,
      400,
      page('Error', `<h1>Invalid client_id</h1><p class="error">No such application: '${esc(clientId)}'</p>`),
    );
  }
  if (q.response_type && q.response_type !== 'code') {
    return sendHtml(res, 400, page('Error', '<h1>Unsupported response_type</h1>'));
  }
  if (q.redirect_uri && !/^https?:\/\/[^\s]+$/.test(String(q.redirect_uri))) {
    return sendHtml(
      res,
      400,
      page(
        'Error',
        `<h1>invalid_redirect_uri</h1><p class="error">Invalid redirect URI '${esc(q.redirect_uri)}'.</p>`,
      ),
    );
  }
  const scope = String(q.scope ?? 'read_write');
  if (scope !== 'read_write' && scope !== 'read_only') {
    return sendHtml(res, 400, page('Error', `<h1>Invalid scope: ${esc(scope)}</h1>`));
  }
  const user = isPlain(q.stripe_user) ? q.stripe_user : {};
  const hidden = (n: string, v: unknown) => `<input type="hidden" name="${n}" value="${esc(v ?? '')}">`;
  const body = `<h1>${esc(app.config.platformName)} would like to connect to your Stripe account</h1>
<p>Scope: <code>${esc(scope)}</code>. Approving creates a test Standard account that is fully onboarded.</p>
<form method="post" action="/oauth/authorize">
${hidden('client_id', clientId)}${hidden('scope', scope)}${hidden('state', q.state)}${hidden('redirect_uri', q.redirect_uri)}
<label for="email">Email</label><input id="email" name="email" type="email" value="${esc(user.email ?? 'owner@example.com')}">
<button type="submit" name="decision" value="approve" id="approve">Connect my Stripe account</button>
<button type="submit" name="decision" value="deny" id="deny">Deny</button>
</form>`;
  sendHtml(res, 200, page('Connect with Stripe', body));
}

export function decideConsent(app: App, res: ServerResponse, form: Params) {
  if (form.client_id !== app.config.connectClientId)
    return sendHtml(res, 400, page('Error', '<h1>Invalid client_id</h1>'));
  const redirectUri = form.redirect_uri ? String(form.redirect_uri) : `${app.config.publicUrl}/oauth/done`;
  const state = form.state ? String(form.state) : null;
  if (form.decision !== 'approve') {
    return redirect(
      res,
      withQuery(redirectUri, {
        error: 'access_denied',
        error_description: 'The user denied your request',
        state,
      }),
    );
  }
  const scope = String(form.scope ?? 'read_write');
  const code = approve(
    app,
    scope,
    form.redirect_uri ? String(form.redirect_uri) : null,
    form.email ? String(form.email) : null,
  );
  redirect(res, withQuery(redirectUri, { code, scope, state }));
}
