import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, sessionFor, type TestTenant } from '../helpers/app.ts';
import { connectTenant, sandboxAdmin, sandboxStripe, tenantApi } from '../helpers/payments.ts';
import { type Pipeline, pipelineState, startPipeline, systemRows, waitFor } from '../helpers/webhooks.ts';

interface Listed {
  template: string;
  status: string;
  suppressed_reason: string | null;
  recipients: string[];
}

/**
 * Every owner alert has one sender. With OWNER_ALERTS_SENDER=tributary Tributary e-mails it and its cause's
 * webhook carries no `notify`; with `platform` the webhook carries `notify` (whom Tributary would have
 * mailed) and the e-mail is kept `suppressed` (`platform_sends`). Shown for a failed payout and a failed
 * refund, through the sandbox's webhooks.
 */
describe.each(['tributary', 'platform'] as const)('owner alerts with OWNER_ALERTS_SENDER=%s', (sender) => {
  let p: Pipeline;
  let tenant: TestTenant;
  let api: ReturnType<typeof tenantApi>;
  let account: string;
  const owners = ['admin@senders.test', 'owner@senders.test'];

  beforeAll(async () => {
    p = await startPipeline({ OWNER_ALERTS_SENDER: sender });
    tenant = await createTestTenant(p.t, `Senders ${sender}`);
    await sessionFor(p.t, tenant, 'owner@senders.test', 'owner');
    await sessionFor(p.t, tenant, 'admin@senders.test', 'admin');
    account = await connectTenant(p.t, tenant);
    api = tenantApi(p.t, tenant);
  });
  afterAll(() => p.close());

  const settledAlert = (template: string) =>
    waitFor(
      async () => {
        const list = (await api('GET', '/notifications?limit=100')).json().data as Listed[];
        const n = list.find((x) => x.template === template);
        return n && n.status !== 'pending' && n.status !== 'sending' ? n : null;
      },
      `${template} written`,
      pipelineState(p),
    );
  const outbound = (types: string[]) =>
    systemRows<{ type: string; data: Record<string, unknown> }>(
      p.t.database,
      `select type, data from outbound_events where tenant_id = '${tenant.id}'
         and type in (${types.map((x) => `'${x}'`).join(', ')})`,
    );
  const expectOneSender = (n: Listed, events: { data: Record<string, unknown> }[]) => {
    expect(n.recipients.sort()).toEqual(owners);
    if (sender === 'tributary') {
      expect(n).toMatchObject({ status: 'sent', suppressed_reason: null });
      for (const e of events) expect(e.data).not.toHaveProperty('notify');
    } else {
      expect(n).toMatchObject({ status: 'suppressed', suppressed_reason: 'platform_sends' });
      const notified = events.filter((e) => 'notify' in e.data);
      expect(notified).toHaveLength(1);
      expect((notified[0]!.data.notify as string[]).sort()).toEqual(owners);
    }
  };

  it('a payout the bank refuses', async () => {
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
    await sandboxAdmin(p.t, 'balance/release', { account });
    const n = await settledAlert('payout_failed');
    const events = await waitFor(async () => {
      const rows = await outbound(['payout.failed']);
      return rows.length > 0 ? rows : null;
    }, 'payout.failed emitted');
    expect(events).toHaveLength(1);
    expect(events[0]!.data).toMatchObject({ account, object: { object: 'payout', status: 'failed' } });
    expectOneSender(n, events);
  });

  it('a refund the bank refuses later', async () => {
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
    expect((await api('POST', `/payments/${pay.id}/refunds`, {})).statusCode).toBe(200);
    await sandboxAdmin(p.t, 'refunds/settle', {});
    const n = await settledAlert('refund_failed');
    // the refund's events are all handled by the time its alert is written: the one that failed it included
    const events = await waitFor(async () => {
      const rows = await outbound(['refund.updated', 'refund.failed']);
      return rows.some((r) => (r.data.refund as { status?: string })?.status === 'failed') ? rows : null;
    }, 'refund webhooks');
    expectOneSender(n, events);
  });
});
