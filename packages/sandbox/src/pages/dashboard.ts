// The minimal hosted "Express dashboard" a login link opens (single use).
import type { ServerResponse } from 'node:http';
import type { App } from '../app.ts';
import { balanceOf } from '../money/balance.ts';
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
  const acct = app.store.get(app.config.platformAccountId, acctId, 'account');
  const balance = balanceOf(app, acctId);
  const fmt = (rows: { amount: number; currency: string }[]) =>
    rows.map((r) => `${(r.amount / 100).toFixed(2)} ${r.currency.toUpperCase()}`).join(', ');
  const payments = app.store
    .list(acctId, 'charge')
    .slice(-20)
    .reverse()
    .map(
      (c) => `<tr><td>${esc(c.id)}</td><td>${(c.amount / 100).toFixed(2)}</td><td>${esc(c.status)}</td></tr>`,
    )
    .join('');
  const body = `<h1>Express dashboard</h1>
<p id="account">${esc(acct?.email ?? acctId)} — <code>${esc(acctId)}</code></p>
<p>Available: <strong id="available">${esc(fmt(balance.available))}</strong> · Pending: ${esc(fmt(balance.pending))}</p>
<h2>Recent payments</h2><table><tr><th>Id</th><th>Amount</th><th>Status</th></tr>${payments}</table>`;
  sendHtml(res, 200, page('Express dashboard', body));
}
