// Hosted 3-D Secure authentication page (`next_action.redirect_to_url.url`): complete or fail, then back
// to the return_url with payment_intent/setup_intent, client secret and redirect_status.
import type { ServerResponse } from 'node:http';
import type { App } from '../app.ts';
import { completeThreeDs, threeDsTable } from '../payments/confirm.ts';
import { completeSetupThreeDs, setupThreeDs } from '../resources/setup_intents.ts';
import type { Params } from '../wire/schema.ts';
import { esc, page, redirect, sendHtml, withQuery } from './html.ts';

export function showThreeDs(app: App, res: ServerResponse, id: string) {
  const pending = id.startsWith('seti_') ? setupThreeDs(app).get(id) : threeDsTable(app).get(id);
  if (!pending) return sendHtml(res, 404, page('3D Secure', '<h1>Nothing to authenticate.</h1>'));
  // A SetupIntent has no amount to show.
  const pi = id.startsWith('seti_') ? undefined : app.store.get(pending.owner, id, 'payment_intent');
  const amount = pi ? `${(pi.amount / 100).toFixed(2)} ${pi.currency.toUpperCase()}` : '';
  const body = `<h1>3D Secure 2 Test Page</h1>
<p>This is a test authentication for <code>${esc(id)}</code>${amount ? ` of ${esc(amount)}` : ''}.</p>
<form method="post" action="/3ds/authenticate/${esc(id)}">
<button type="submit" name="action" value="complete" id="complete">Complete authentication</button>
<button type="submit" name="action" value="fail" id="fail">Fail authentication</button>
</form>`;
  sendHtml(res, 200, page('3D Secure authentication', body));
}

export function submitThreeDs(app: App, res: ServerResponse, id: string, form: Params) {
  const passed = form.action === 'complete';
  const setup = id.startsWith('seti_');
  const returnUrl = (setup ? setupThreeDs(app).get(id) : threeDsTable(app).get(id))?.returnUrl ?? null;
  const obj = setup ? completeSetupThreeDs(app, id, passed) : completeThreeDs(app, id, passed);
  if (!obj) return sendHtml(res, 404, page('3D Secure', '<h1>Nothing to authenticate.</h1>'));
  const status = obj.status === 'succeeded' || obj.status === 'requires_capture' ? 'succeeded' : 'failed';
  if (!returnUrl)
    return sendHtml(res, 200, page('Done', `<h1 id="result">Authentication ${esc(status)}</h1>`));
  const key = setup ? 'setup_intent' : 'payment_intent';
  redirect(
    res,
    withQuery(returnUrl, {
      [key]: obj.id,
      [`${key}_client_secret`]: String(obj.client_secret),
      redirect_status: status,
    }),
  );
}
