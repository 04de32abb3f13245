// The minimal hosted dashboards: the Express one a login link opens (single use), and a Standard account's.
import type { ServerResponse } from 'node:http';
import type { App } from '../app.ts';
import { balanceOf } from '../money/balance.ts';
import { formatAmount } from '../money/currencies.ts';
import { esc, page, sendHtml } from './html.ts';

export function showDashboard(app: App, res: ServerResponse, acctId: string, token: string) {
  const links = app.store.table<{ account: string; used: boolean }>('login_links');
  const link = links.get(token);
  if (!link || link.account !== acctId || link.used) {
    return sendHtml(
      res,
      410,
      page('Link expired', '<h1>This login link has expired.</h1><p>Ask the platform for a new one.</p>'),
    );
  }
  link.used = true;
  app.store.changed();
  sendHtml(res, 200, page('Express dashboard', accountBody(app, acctId, 'Express dashboard')));
}

/**
 * A Standard account's own dashboard, read-only, at /dashboard/<acct_id>: what "Open Stripe dashboard" opens in
 * sandbox mode (on Stripe, the account holder signs in to dashboard.stripe.com with their own credentials).
 */
export function showStandardDashboard(app: App, res: ServerResponse, acctId: string) {
  const acct = app.store.get(app.config.platformAccountId, acctId, 'account');
  if (!acct) {
    return sendHtml(res, 404, page('No such account', `<h1>No such account: ${esc(acctId)}</h1>`));
  }
  sendHtml(res, 200, page('Dashboard', accountBody(app, acctId, 'Dashboard (sandbox, read-only)')));
}

function accountBody(app: App, acctId: string, title: string): string {
  const acct = app.store.get(app.config.platformAccountId, acctId, 'account');
  const balance = balanceOf(app, acctId);
  const money = (amount: number, currency: string) => formatAmount(amount, currency);
  const fmt = (rows: { amount: number; currency: string }[]) =>
    rows.map((r) => money(r.amount, r.currency)).join(', ');
  const payments = app.store
    .list(acctId, 'charge')
    .slice(-20)
    .reverse()
    .map(
      (c) =>
        `<tr><td>${esc(c.id)}</td><td>${esc(money(c.amount, c.currency))}</td><td>${esc(c.status)}</td></tr>`,
    )
    .join('');
  return `<h1>${esc(title)}</h1>
<p id="account">${esc(acct?.email ?? acctId)} — <code>${esc(acctId)}</code></p>
<p>Available: <strong id="available">${esc(fmt(balance.available))}</strong> · Pending: ${esc(fmt(balance.pending))}</p>
<h2>Recent payments</h2><table id="payments"><tr><th>Id</th><th>Amount</th><th>Status</th></tr>${payments}</table>`;
}
