// Headless Chromium clicks through the hosted pages: Express onboarding, OAuth consent (approve and deny)
// and 3-D Secure authentication.
import type { Page } from 'playwright-core';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../src/index.ts';
import { closeHostedPages, type HostedPages, openHostedPages } from './helpers.ts';

let hosted: HostedPages | undefined;
let sb: Sandbox;
let stripe: Stripe;
let page: Page;
let app: HostedPages['app'];

beforeAll(async () => {
  hosted = await openHostedPages();
  ({ sb, stripe, page, app } = hosted);
});
afterAll(() => closeHostedPages(hosted));

describe('hosted pages in Chromium', () => {
  it('Express onboarding: fill the form, submit, land on return_url with the account enabled', async () => {
    const acct = await stripe.accounts.create({ type: 'express' });
    const link = await stripe.accountLinks.create({
      account: acct.id,
      type: 'account_onboarding',
      refresh_url: `${app.url}?refresh=1`,
      return_url: `${app.url}?returned=1`,
    });
    await page.goto(link.url);
    await page.fill('#first_name', 'Ada');
    await page.selectOption('#business_type', 'individual');
    expect(await page.inputValue('#account_number')).toBe('000123456789');
    expect(await page.inputValue('#ssn')).toBe('000-00-0000');
    await Promise.all([page.waitForURL(/returned=1/), page.click('#submit')]);
    const after = await stripe.accounts.retrieve(acct.id);
    expect(after).toMatchObject({ details_submitted: true, charges_enabled: true, payouts_enabled: true });
    await page.goto(link.url);
    expect(page.url()).toContain('refresh=1');
  });

  it('Express onboarding: save and finish later leaves requirements due', async () => {
    const acct = await stripe.accounts.create({ type: 'express' });
    const link = await stripe.accountLinks.create({
      account: acct.id,
      type: 'account_onboarding',
      refresh_url: `${app.url}?refresh=1`,
      return_url: `${app.url}?returned=2`,
    });
    await page.goto(link.url);
    await Promise.all([page.waitForURL(/returned=2/), page.click('#later')]);
    const after = await stripe.accounts.retrieve(acct.id);
    expect(after.details_submitted).toBe(false);
    expect(after.requirements?.currently_due?.length).toBeGreaterThan(0);
  });

  it('OAuth consent: approve returns code and state; deny returns access_denied', async () => {
    const base = stripe.oauth
      .authorizeUrl({
        client_id: sb.connectClientId,
        scope: 'read_write',
        redirect_uri: app.url,
        state: 'xyz',
      })
      .replace(/^https:\/\/[^/]+/, sb.url);
    await page.goto(base);
    await Promise.all([page.waitForURL(/code=/), page.click('#approve')]);
    const approved = new URL(page.url());
    expect(approved.searchParams.get('state')).toBe('xyz');
    const token = await stripe.oauth.token({
      grant_type: 'authorization_code',
      code: approved.searchParams.get('code')!,
    });
    expect(token.stripe_user_id).toMatch(/^acct_/);

    await page.goto(base);
    await Promise.all([page.waitForURL(/error=/), page.click('#deny')]);
    const denied = new URL(page.url());
    expect(denied.searchParams.get('error')).toBe('access_denied');
    expect(denied.searchParams.get('state')).toBe('xyz');
  });

  it('3-D Secure: the authentication page completes the payment and returns', async () => {
    const pi = await stripe.paymentIntents.create({
      amount: 4200,
      currency: 'usd',
      payment_method: 'pm_card_threeDSecure2Required',
      confirm: true,
      return_url: `${app.url}?checkout=1`,
    });
    await page.goto(pi.next_action!.redirect_to_url!.url!);
    expect(await page.textContent('h1')).toContain('3D Secure');
    await Promise.all([page.waitForURL(/redirect_status=succeeded/), page.click('#complete')]);
    expect(new URL(page.url()).searchParams.get('payment_intent')).toBe(pi.id);
    expect((await stripe.paymentIntents.retrieve(pi.id)).status).toBe('succeeded');

    const failing = await stripe.paymentIntents.create({
      amount: 4200,
      currency: 'usd',
      payment_method: 'pm_card_authenticationRequired',
      confirm: true,
      return_url: `${app.url}?checkout=2`,
    });
    await page.goto(failing.next_action!.redirect_to_url!.url!);
    await Promise.all([page.waitForURL(/redirect_status=failed/), page.click('#fail')]);
    expect((await stripe.paymentIntents.retrieve(failing.id)).status).toBe('requires_payment_method');
  });
});
