// Hosted Express/Standard onboarding reached through an account link: a real form with business details,
// the test bank account and SSN; "Submit" finishes onboarding, "Save and finish later" leaves requirements due.
import type { ServerResponse } from 'node:http';
import { type App, systemCtx } from '../app.ts';
import { infoOf, recompute, TEST_VALUES } from '../connect/requirements.ts';
import type { AccountLinkRec } from '../resources/account_links.ts';
import { applyAccountParams } from '../resources/accounts.ts';
import { nowSeconds, randomString } from '../wire/ids.ts';
import type { Params } from '../wire/schema.ts';
import { esc, page, redirect, sendHtml } from './html.ts';

function links(app: App) {
  return app.store.table<AccountLinkRec>('account_links');
}
function sessions(app: App) {
  return app.store.table<string>('onboarding_sessions');
}

function field(name: string, label: string, value = '', type = 'text'): string {
  return `<label for="${name}">${esc(label)}</label><input id="${name}" name="${name}" type="${type}" value="${esc(value)}">`;
}

export function showOnboarding(app: App, res: ServerResponse, acctId: string, token: string) {
  const link = links(app).get(token);
  if (!link || link.account !== acctId)
    return sendHtml(res, 404, page('Link not found', '<h1>This link is invalid.</h1>'));
  if (link.used || link.expires_at < nowSeconds()) return redirect(res, link.refresh_url);
  link.used = true;
  const session = randomString(24);
  sessions(app).set(session, token);
  app.store.changed();
  const acct = app.store.get(app.config.platformAccountId, acctId, 'account');
  const body = `<h1>Set up payments for ${esc(app.config.platformName)}</h1>
<p>Account <code>${esc(acctId)}</code> (${esc(acct?.type)}). Prefilled with Stripe's test values.</p>
<form method="post" action="/setup/s/${esc(acctId)}/${esc(token)}">
<input type="hidden" name="session" value="${esc(session)}">
<label for="business_type">Business type</label>
<select id="business_type" name="business_type"><option value="individual">Individual</option><option value="company">Company</option></select>
${field('first_name', 'First name', 'Jenny')}${field('last_name', 'Last name', 'Rosen')}
${field('email', 'Email', 'jenny.rosen@example.com', 'email')}${field('phone', 'Phone', TEST_VALUES.phone)}
${field('dob', 'Date of birth', TEST_VALUES.dob)}${field('ssn', 'Social Security number', TEST_VALUES.ssn)}
${field('line1', 'Address', TEST_VALUES.line1)}${field('city', 'City', 'San Francisco')}
${field('state', 'State', 'CA')}${field('postal_code', 'ZIP', '94103')}
${field('company_name', 'Company name (companies)', '')}${field('tax_id', 'EIN (companies)', '000000000')}
${field('url', 'Business website', 'https://example.com')}${field('mcc', 'Industry (MCC)', '5734')}
${field('product_description', 'What do you sell?', 'Software')}
${field('routing_number', 'Routing number', TEST_VALUES.routing)}${field('account_number', 'Account number', TEST_VALUES.account)}
<label><input type="checkbox" name="tos" value="accepted" checked style="width:auto"> I agree to the Stripe Services Agreement</label>
<button type="submit" name="action" value="submit" id="submit">Submit</button>
<button type="submit" name="action" value="later" id="later">Save and finish later</button>
</form>`;
  sendHtml(res, 200, page('Onboarding', body));
}

export function submitOnboarding(
  app: App,
  res: ServerResponse,
  acctId: string,
  token: string,
  form: Params,
  ip: string,
) {
  const link = links(app).get(token);
  const session = String(form.session ?? '');
  if (!link || link.account !== acctId || sessions(app).get(session) !== token) {
    return sendHtml(res, 400, page('Expired', '<h1>This onboarding session has expired.</h1>'));
  }
  sessions(app).delete(session);
  const platform = app.config.platformAccountId;
  const acct = app.store.get(platform, acctId, 'account');
  if (!acct) return sendHtml(res, 404, page('Not found', '<h1>Account not found.</h1>'));
  const ctx = systemCtx(app, platform);
  const f = (k: string) => (form[k] ? String(form[k]) : undefined);
  const later = form.action === 'later';
  const [year, month, day] = (f('dob') ?? '').split('-');
  const businessType = f('business_type') ?? 'individual';
  const address = { line1: f('line1'), city: f('city'), state: f('state'), postal_code: f('postal_code') };
  const person = {
    first_name: f('first_name'),
    last_name: f('last_name'),
    email: f('email'),
    phone: f('phone'),
    dob: { day, month, year },
    address,
    ...(f('ssn') ? { ssn_last_4: f('ssn')!.replace(/\D/g, '').slice(-4) } : {}),
  };
  const params: Params = {
    business_type: businessType,
    business_profile: { url: f('url'), mcc: f('mcc'), product_description: f('product_description') },
    ...(businessType === 'company'
      ? {
          company: { name: f('company_name'), phone: f('phone'), tax_id: f('tax_id'), address },
          representative: { first_name: f('first_name'), last_name: f('last_name') },
        }
      : { individual: person }),
  };
  if (!later && f('account_number')) {
    params.external_account = {
      object: 'bank_account',
      routing_number: f('routing_number'),
      account_number: f('account_number'),
    };
  }
  if (!later && form.tos === 'accepted') params.tos_acceptance = { date: nowSeconds(), ip };
  applyAccountParams(ctx, acct, params);
  if (acct.business_profile && f('first_name'))
    acct.business_profile.name ??= `${f('first_name')} ${f('last_name') ?? ''}`.trim();
  const info = infoOf(ctx, acct.id);
  if (!later) info.submitted = true;
  recompute(ctx, acct);
  redirect(res, link.return_url);
}
