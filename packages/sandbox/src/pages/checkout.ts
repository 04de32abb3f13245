// Hosted Checkout (`/c/pay/:session`), Payment Link (`/b/:token`) and customer portal (`/p/session/:secret`)
// pages. A payment link visit opens a new Checkout Session; paying it goes through resources/checkout/.
import type { ServerResponse } from 'node:http';
import { type App, systemCtx } from '../app.ts';
import type { CheckoutSession } from '../objects/checkout.ts';
import type { PortalSession } from '../objects/subscriptions.ts';
import { afterCompletion, completeSession, finishSession } from '../resources/checkout/complete.ts';
import { itemsTable } from '../resources/checkout/items.ts';
import { linkTokens, sessionForLink } from '../resources/checkout/payment_links.ts';
import { attach, createPaymentMethod } from '../resources/payment_methods.ts';
import { cancelNow } from '../resources/subscriptions/lifecycle.ts';
import type { Params } from '../wire/schema.ts';
import { esc, page, redirect, sendHtml } from './html.ts';
import { cardForm, cardFromForm, errorMessage, money } from './invoice.ts';

function findSession(app: App, id: string): { owner: string; cs: CheckoutSession } | null {
  const f = app.store.findOf(id, 'checkout.session');
  return f ? { owner: f.owner, cs: f.obj } : null;
}

/** A setup session saving US bank accounts (its `payment_method_types` name them). */
const offersBank = (cs: CheckoutSession) =>
  cs.mode === 'setup' && cs.payment_method_types.includes('us_bank_account');

export function showCheckout(app: App, res: ServerResponse, id: string, error: string | null = null) {
  const found = findSession(app, id);
  if (!found) return sendHtml(res, 404, page('Checkout', '<h1>Checkout session not found</h1>'));
  const { cs } = found;
  if (cs.status !== 'open') {
    return sendHtml(
      res,
      410,
      page('Checkout', `<h1 id="closed">This Checkout Session is ${esc(cs.status)}.</h1>`),
    );
  }
  const items = (itemsTable(app).get(cs.id) ?? [])
    .map(
      (li) =>
        `<tr><td>${esc(li.description)}</td><td>${esc(li.quantity)}</td><td>${esc(money(li.amount_total, li.currency))}</td></tr>`,
    )
    .join('');
  const total =
    cs.mode === 'setup'
      ? ''
      : `<p>Total: <strong id="total">${esc(money(cs.amount_total, cs.currency))}</strong></p>`;
  const label = cs.mode === 'setup' ? 'Save card' : cs.mode === 'subscription' ? 'Subscribe' : 'Pay';
  const cancel = cs.cancel_url ? `<p><a id="cancel" href="${esc(cs.cancel_url)}">Cancel</a></p>` : '';
  const bank =
    cs.mode === 'payment' || offersBank(cs)
      ? `<h2>${cs.mode === 'setup' ? 'Or save a bank account (ACH debit)' : 'Or pay by bank account (ACH debit)'}</h2><form method="post" action="/c/pay/${esc(cs.id)}" id="bank-form">
<input type="hidden" name="method" value="us_bank_account">
<label for="account_holder">Account holder</label><input id="account_holder" name="account_holder" value="Test Payer">
<label for="routing_number">Routing number</label><input id="routing_number" name="routing_number" value="110000000">
<label for="account_number">Account number</label><input id="account_number" name="account_number" value="000123456789">
<button type="submit" id="pay_bank">${cs.mode === 'setup' ? 'Save bank account' : 'Pay by bank'}</button></form>`
      : '';
  // a setup session for bank accounts only (payment_method_types) shows no card form
  const card =
    cs.mode === 'setup' && !cs.payment_method_types.includes('card')
      ? error
        ? `<p class="error" id="error">${esc(error)}</p>`
        : ''
      : cardForm(`/c/pay/${cs.id}`, label, error);
  const body = `<h1>Checkout</h1>${items ? `<table id="items"><tr><th>Item</th><th>Qty</th><th>Amount</th></tr>${items}</table>` : ''}
${total}${card}${bank}${cancel}`;
  sendHtml(res, error ? 402 : 200, page('Checkout', body));
}

export function submitCheckout(app: App, res: ServerResponse, id: string, form: Params) {
  const found = findSession(app, id);
  if (!found) return sendHtml(res, 404, page('Checkout', '<h1>Checkout session not found</h1>'));
  const ctx = systemCtx(app, found.owner);
  let result: { ok: boolean; error: string | null; redirect: string | null };
  try {
    const pm =
      form.method === 'us_bank_account' && (found.cs.mode === 'payment' || offersBank(found.cs))
        ? createPaymentMethod(ctx, {
            type: 'us_bank_account',
            us_bank_account: {
              routing_number: String(form.routing_number ?? ''),
              account_number: String(form.account_number ?? ''),
              account_holder_type: 'individual',
            },
            billing_details: {
              name: String(form.account_holder || 'Test Payer'),
              email: form.email ? String(form.email) : null,
            },
          })
        : cardFromForm(ctx, form);
    result = completeSession(ctx, found.cs, pm, form.email ? String(form.email) : null);
  } catch (e) {
    result = { ok: false, error: errorMessage(e), redirect: null };
  }
  if (result.redirect) return redirect(res, result.redirect);
  if (!result.ok) return showCheckout(app, res, id, result.error ?? 'Your payment was not completed.');
  redirect(res, afterCompletion(ctx, found.cs));
}

/** Back from 3-D Secure. */
export function checkoutReturn(app: App, res: ServerResponse, id: string) {
  const found = findSession(app, id);
  if (!found) return sendHtml(res, 404, page('Checkout', '<h1>Checkout session not found</h1>'));
  const ctx = systemCtx(app, found.owner);
  const pi = found.cs.payment_intent
    ? app.store.get(found.owner, String(found.cs.payment_intent), 'payment_intent')
    : undefined;
  const si = found.cs.setup_intent
    ? app.store.get(found.owner, String(found.cs.setup_intent), 'setup_intent')
    : undefined;
  if (pi?.status === 'succeeded' || pi?.status === 'requires_capture' || si?.status === 'succeeded') {
    finishSession(ctx, found.cs, null);
    return redirect(res, afterCompletion(ctx, found.cs));
  }
  showCheckout(
    app,
    res,
    id,
    'We are unable to authenticate your payment method. Please choose a different payment method and try again.',
  );
}

export function checkoutDone(app: App, res: ServerResponse, id: string) {
  const found = findSession(app, id);
  if (!found) return sendHtml(res, 404, page('Checkout', '<h1>Not found</h1>'));
  const link = found.cs.payment_link
    ? app.store.get(found.owner, String(found.cs.payment_link), 'payment_link')
    : undefined;
  const msg = link?.after_completion.hosted_confirmation?.custom_message;
  sendHtml(
    res,
    200,
    page(
      'Thanks',
      `<h1 id="thanks">Thanks for your payment</h1>${msg ? `<p id="message">${esc(msg)}</p>` : ''}<p>${esc(found.cs.id)}</p>`,
    ),
  );
}

export function openPaymentLink(app: App, res: ServerResponse, token: string) {
  const ref = linkTokens(app).get(token);
  const link = ref ? app.store.get(ref.owner, ref.link, 'payment_link') : undefined;
  if (!ref || !link) return sendHtml(res, 404, page('Payment link', '<h1>Payment link not found</h1>'));
  if (!link.active) {
    const msg = link.inactive_message ?? 'This link is no longer active.';
    return sendHtml(res, 410, page('Payment link', `<h1 id="inactive">${esc(msg)}</h1>`));
  }
  const cs = sessionForLink(systemCtx(app, ref.owner), link);
  redirect(res, `/c/pay/${cs.id}`);
}

function findPortal(
  app: App,
  secret: string,
): { owner: string; session: PortalSession; completed: boolean } | null {
  const ref = app.store
    .table<{ owner: string; session: string; completed?: boolean }>('portal_secrets')
    .get(secret);
  const session = ref ? app.store.get(ref.owner, ref.session, 'billing_portal.session') : undefined;
  return ref && session ? { owner: ref.owner, session, completed: ref.completed === true } : null;
}

/**
 * What a session with a flow may show: only the flow's task until it is completed, then what its
 * `after_completion` says (the homepage, with everything, only for `portal_homepage`).
 */
function portalView(found: { session: PortalSession; completed: boolean }): 'homepage' | 'flow' | 'done' {
  const flow = found.session.flow;
  if (!flow) return 'homepage';
  if (!found.completed) return 'flow';
  return flow.after_completion.type === 'portal_homepage' ? 'homepage' : 'done';
}

export function showPortal(app: App, res: ServerResponse, secret: string, note: string | null = null) {
  const found = findPortal(app, secret);
  if (!found) return sendHtml(res, 404, page('Billing portal', '<h1>Session not found</h1>'));
  const { owner, session } = found;
  const view = portalView(found);
  if (view === 'done') {
    const msg = session.flow?.after_completion.hosted_confirmation?.custom_message;
    const body = `<h1>Billing</h1><p id="note">${esc(note ?? 'Done.')}</p><p id="confirmation">${esc(msg ?? 'Your changes were saved.')}</p>`;
    return sendHtml(res, 200, page('Billing portal', body));
  }
  const cus = app.store.get(owner, String(session.customer), 'customer');
  const pmId = cus?.invoice_settings.default_payment_method;
  const card = pmId ? app.store.get(owner, pmId, 'payment_method')?.card : undefined;
  const shown = card ? `${card.brand} •••• ${card.last4}` : 'none';
  const subs = app.store
    .list(owner, 'subscription')
    .filter(
      (s) =>
        s.customer === session.customer && !['canceled', 'incomplete_expired'].includes(String(s.status)),
    );
  const rows = (view === 'flow' ? [] : subs)
    .map(
      (
        s,
      ) => `<tr><td>${esc(s.id)}</td><td class="status">${esc(s.status)}</td><td><form method="post" action="/p/session/${esc(secret)}">
<input type="hidden" name="action" value="cancel"><input type="hidden" name="subscription" value="${esc(s.id)}">
<button type="submit" id="cancel-${esc(s.id)}">Cancel subscription</button></form></td></tr>`,
    )
    .join('');
  const back = session.return_url ? `<p><a id="return" href="${esc(session.return_url)}">Return</a></p>` : '';
  const body = `<h1>Billing</h1>${note ? `<p id="note">${esc(note)}</p>` : ''}
<p>Default payment method: <strong id="card">${esc(shown)}</strong></p>
<table id="subscriptions"><tr><th>Subscription</th><th>Status</th><th></th></tr>${rows}</table>
<h2>Update payment method</h2>${cardForm(`/p/session/${secret}`, 'Save card', null).replace('<form method="post"', '<form method="post" id="card-form"').replace('</form>', '<input type="hidden" name="action" value="update_card"></form>')}${back}`;
  sendHtml(res, 200, page('Billing portal', body));
}

export function submitPortal(app: App, res: ServerResponse, secret: string, form: Params) {
  const found = findPortal(app, secret);
  if (!found) return sendHtml(res, 404, page('Billing portal', '<h1>Session not found</h1>'));
  const ctx = systemCtx(app, found.owner);
  const customer = String(found.session.customer);
  let note: string;
  try {
    if (form.action === 'cancel') {
      if (portalView(found) !== 'homepage') throw new Error('This session cannot cancel subscriptions');
      const sub = app.store.get(found.owner, String(form.subscription), 'subscription');
      if (!sub || sub.customer !== customer) throw new Error('No such subscription');
      cancelNow(ctx, sub, 'cancellation_requested');
      note = 'Subscription canceled.';
    } else {
      const pm = cardFromForm(ctx, form);
      attach(ctx, pm, customer);
      const cus = app.store.get(found.owner, customer, 'customer')!;
      cus.invoice_settings.default_payment_method = pm.id;
      for (const s of app.store.list(found.owner, 'subscription')) {
        if (s.customer === customer && s.default_payment_method) s.default_payment_method = pm.id;
      }
      const ref = app.store
        .table<{ owner: string; session: string; completed?: boolean }>('portal_secrets')
        .get(secret);
      if (ref) ref.completed = true;
      app.store.changed();
      note = 'Payment method updated.';
    }
  } catch (e) {
    note = e instanceof Error && !('body' in e) ? e.message : errorMessage(e);
  }
  showPortal(app, res, secret, note);
}
