import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  asSession,
  createTestTenant,
  sessionFor,
  type TestSession,
  type TestTenant,
} from '../helpers/app.ts';
import { connectTenant, sandboxAdmin, sandboxStripe, tenantApi } from '../helpers/payments.ts';
import { type Pipeline, pipelineState, startPipeline, waitFor } from '../helpers/webhooks.ts';
import { startSmtp, type TestSmtp } from './smtp.ts';

/**
 * Owner alerts with members' preferences, through a real SMTP server: a payout the bank refuses reaches the
 * owners and admins who did not turn the alert off; the critical ones cannot be turned off.
 */
describe('owner alerts and preferences', () => {
  let smtp: TestSmtp;
  let p: Pipeline;
  let tenant: TestTenant;
  let owner: TestSession;
  let admin: TestSession;
  let api: ReturnType<typeof tenantApi>;
  let account: string;

  beforeAll(async () => {
    smtp = await startSmtp();
    p = await startPipeline({
      SMTP_URL: smtp.url,
      EMAIL_FROM: 'Tributary Alerts <alerts@tributary.test>',
    });
    tenant = await createTestTenant(p.t, 'Acme Payouts');
    owner = await sessionFor(p.t, tenant, 'owner@payouts.test', 'owner');
    admin = await sessionFor(p.t, tenant, 'admin@payouts.test', 'admin');
    account = await connectTenant(p.t, tenant);
    api = tenantApi(p.t, tenant);
  });
  afterAll(async () => {
    await p.close();
    await smtp.close();
  });

  const prefs = (who: TestSession, method: 'GET' | 'POST', payload?: object) =>
    p.t.app.inject({
      method,
      url: `/v1/tenants/${tenant.publicId}/members/me/notification_preferences`,
      headers: asSession(who),
      payload,
    });

  it('a member sees their alerts, on by default, the critical ones marked', async () => {
    const res = await prefs(admin, 'GET');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().owner_alerts).toMatchObject({ payout_failed: true, dispute_opened: true });
    expect(res.json().critical.sort()).toEqual([
      'account_disabled',
      'dispute_opened',
      'plan_attempt_failed',
      'plan_payment_failed',
      'plan_suspended',
    ]);
  });

  it('turning a critical alert off is a 400 with a stable code, and changes nothing', async () => {
    const res = await prefs(admin, 'POST', { owner_alerts: { dispute_opened: false, payout_failed: false } });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error.code).toBe('notification_alert_critical');
    expect((await prefs(admin, 'GET')).json().owner_alerts.payout_failed).toBe(true);
  });

  it('an API key has no person to hold preferences', async () => {
    const res = await api('GET', '/members/me/notification_preferences');
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error.code).toBe('user_session_required');
  });

  it('a failed payout mails once, to the owner who kept the alert and not the admin who turned it off', async () => {
    const off = await prefs(admin, 'POST', { owner_alerts: { payout_failed: false } });
    expect(off.statusCode, off.body).toBe(200);
    expect(off.json().owner_alerts.payout_failed).toBe(false);
    expect((await prefs(owner, 'GET')).json().owner_alerts.payout_failed).toBe(true);

    // payouts go to a bank account the sandbox's bank refuses (no_account)
    const stripe = sandboxStripe(p.t);
    await stripe.accounts.createExternalAccount(account, {
      external_account: {
        object: 'bank_account',
        country: 'US',
        currency: 'usd',
        routing_number: '110000000',
        account_number: '000111111116',
      },
      default_for_currency: true,
    });
    const c = (await api('POST', '/customers', { email: 'payer@example.com' })).json();
    await api('POST', `/customers/${c.id}/setup_intents`, { payment_method: 'pm_card_visa' });
    const pay = await api('POST', '/payment_intents', {
      amount: 5000,
      currency: 'usd',
      customer: c.id,
      off_session: true,
    });
    expect(pay.json().status, pay.body).toBe('succeeded');
    const released = (await sandboxAdmin(p.t, 'balance/release', { account })) as { payouts: string[] };
    // the account's daily schedule pays the released balance out at once; the bank refuses it
    const payoutId = released.payouts[0]!;
    expect(payoutId).toMatch(/^po_/);
    const notifications = async () =>
      (await api('GET', '/notifications?limit=100')).json().data as {
        template: string;
        status: string;
        recipients: string[];
        dedup_key: string;
      }[];
    const sent = await waitFor(
      async () => {
        const n = (await notifications()).find((x) => x.template === 'payout_failed');
        return n?.status === 'sent' ? n : null;
      },
      'payout_failed sent',
      pipelineState(p),
    );
    expect(sent.dedup_key).toBe(`payout_failed:${payoutId}`);
    expect(sent.recipients).toEqual(['owner@payouts.test']);
    const arrivals = smtp.arrivals.filter((a) => a.mail.subject?.includes('payout'));
    expect(arrivals).toHaveLength(1);
    expect(arrivals[0]!.to).toEqual(['owner@payouts.test']);
    const payout = await stripe.payouts.retrieve(payoutId, {}, { stripeAccount: account });
    expect(payout.status).toBe('failed');
    const amount = `$${(payout.amount / 100).toFixed(2)}`;
    expect(arrivals[0]!.mail.subject).toBe(
      `Action required: a ${amount} payout to Acme Payouts's bank account failed`,
    );
    expect(arrivals[0]!.mail.text).toContain(payoutId);
  });

  it('a refund the bank refuses later alerts the owners and admins once', async () => {
    const c = (await api('POST', '/customers', { email: 'refunded@example.com' })).json();
    await api('POST', `/customers/${c.id}/setup_intents`, { payment_method: 'pm_card_refundFail' });
    const pay = (
      await api('POST', '/payment_intents', {
        amount: 2500,
        currency: 'usd',
        customer: c.id,
        off_session: true,
      })
    ).json();
    expect(pay.status).toBe('succeeded');
    const refund = await api('POST', `/payments/${pay.id}/refunds`, {});
    expect(refund.statusCode, refund.body).toBe(200);
    await sandboxAdmin(p.t, 'refunds/settle', {});
    const sent = await waitFor(
      async () => {
        const list = (await api('GET', '/notifications?limit=100')).json().data as {
          template: string;
          status: string;
          recipients: string[];
          text: string;
        }[];
        const n = list.find((x) => x.template === 'refund_failed');
        return n?.status === 'sent' ? n : null;
      },
      'refund_failed sent',
      pipelineState(p),
    );
    expect(sent.recipients.sort()).toEqual(['admin@payouts.test', 'owner@payouts.test']);
    expect(sent.text).toContain('$25.00');
    expect(sent.text).toContain(refund.json().id);
    expect(smtp.arrivals.filter((a) => a.mail.subject?.includes('refund'))).toHaveLength(1);
  });

  it('an onboarded account Stripe disables for missing information alerts every owner and admin', async () => {
    await sandboxAdmin(p.t, `accounts/${account}/onboarding`, { action: 'partial' });
    const sent = await waitFor(
      async () => {
        const list = (await api('GET', '/notifications?limit=100')).json().data as {
          template: string;
          status: string;
          text: string;
          dedup_key: string;
          recipients: string[];
        }[];
        const n = list.find((x) => x.template.startsWith('account_'));
        return n?.status === 'sent' ? n : null;
      },
      'account alert sent',
      pipelineState(p),
    );
    // the sandbox's past-due requirement disables it at once: the critical alert, which nobody turns off
    expect(sent.template).toBe('account_disabled');
    expect(sent.dedup_key).toMatch(new RegExp(`^account_disabled:${account}:evt_`));
    expect(sent.recipients.sort()).toEqual(['admin@payouts.test', 'owner@payouts.test']);
    expect(sent.text).toContain('Requirements past due');
  });
});
