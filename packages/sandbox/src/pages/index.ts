// Routing for the hosted pages a browser visits (not Stripe API paths).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { App } from '../app.ts';
import { parseForm, readBody } from '../wire/body.ts';
import {
  checkoutDone,
  checkoutReturn,
  openPaymentLink,
  showCheckout,
  showPortal,
  submitCheckout,
  submitPortal,
} from './checkout.ts';
import { decideConsent, showConsent } from './consent.ts';
import { showDashboard, showStandardDashboard } from './dashboard.ts';
import { page, sendHtml } from './html.ts';
import { invoicePdf, payInvoicePage, showInvoice } from './invoice.ts';
import { showOnboarding, submitOnboarding } from './onboarding.ts';
import { showThreeDs, submitThreeDs } from './three_ds.ts';

export class Pages {
  readonly app: App;

  constructor(app: App) {
    this.app = app;
  }

  matches(path: string): boolean {
    return (
      path.startsWith('/setup/') ||
      path.startsWith('/express/') ||
      path.startsWith('/dashboard/') ||
      path.startsWith('/3ds/') ||
      path === '/oauth/authorize' ||
      path === '/express/oauth/authorize' ||
      path === '/oauth/done' ||
      path.startsWith('/receipts/') ||
      path.startsWith('/i/') ||
      path.startsWith('/c/') ||
      path.startsWith('/b/') ||
      path.startsWith('/p/')
    );
  }

  async handle(req: IncomingMessage, res: ServerResponse, path: string, query: string): Promise<void> {
    const { app } = this;
    const method = req.method ?? 'GET';
    const form = method === 'POST' ? parseForm((await readBody(req)).toString('utf8')) : {};
    const q = parseForm(query);
    const seg = path.split('/').filter(Boolean);
    if (path === '/oauth/authorize' || path === '/express/oauth/authorize') {
      return method === 'POST' ? decideConsent(app, res, form) : showConsent(app, res, q);
    }
    if (path === '/oauth/done')
      return sendHtml(res, 200, page('Connected', `<h1>Done</h1><pre>${JSON.stringify(q)}</pre>`));
    if (seg[0] === 'setup' && seg[1] === 's' && seg.length === 4) {
      if (method === 'POST') {
        return submitOnboarding(app, res, seg[2]!, seg[3]!, form, req.socket.remoteAddress ?? '127.0.0.1');
      }
      return showOnboarding(app, res, seg[2]!, seg[3]!);
    }
    if (seg[0] === 'express' && seg.length === 3) return showDashboard(app, res, seg[1]!, seg[2]!);
    if (seg[0] === 'dashboard' && seg.length === 2) return showStandardDashboard(app, res, seg[1]!);
    if (seg[0] === '3ds' && seg[1] === 'authenticate' && seg.length === 3) {
      return method === 'POST' ? submitThreeDs(app, res, seg[2]!, form) : showThreeDs(app, res, seg[2]!);
    }
    if (seg[0] === 'i' && seg.length === 3) {
      return method === 'POST'
        ? payInvoicePage(app, res, seg[1]!, seg[2]!, form)
        : showInvoice(app, res, seg[1]!, seg[2]!);
    }
    if (seg[0] === 'i' && seg.length === 4 && seg[3] === 'pdf') return invoicePdf(app, res, seg[1]!, seg[2]!);
    if (seg[0] === 'c' && seg.length === 3) {
      if (seg[1] === 'pay')
        return method === 'POST' ? submitCheckout(app, res, seg[2]!, form) : showCheckout(app, res, seg[2]!);
      if (seg[1] === 'return') return checkoutReturn(app, res, seg[2]!);
      if (seg[1] === 'done') return checkoutDone(app, res, seg[2]!);
    }
    if (seg[0] === 'b' && seg.length === 2) return openPaymentLink(app, res, seg[1]!);
    if (seg[0] === 'p' && seg[1] === 'session' && seg.length === 3) {
      return method === 'POST' ? submitPortal(app, res, seg[2]!, form) : showPortal(app, res, seg[2]!);
    }
    if (seg[0] === 'receipts')
      return sendHtml(res, 200, page('Receipt', `<h1>Receipt</h1><p>${seg.at(-1)}</p>`));
    sendHtml(res, 404, page('Not found', '<h1>Not found</h1>'));
  }
}
