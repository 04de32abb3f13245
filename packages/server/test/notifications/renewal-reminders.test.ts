import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromPublicId } from '../../src/http/ids.ts';
import type { Jobs } from '../../src/jobs/boss.ts';
import { createLogger } from '../../src/logger.ts';
import { warnExpiringCards } from '../../src/payments/jobs.ts';
import { startWorker } from '../../src/runtime.ts';
import { remindRenewals } from '../../src/subscriptions/jobs.ts';
import { createTestTenant, startTestApp, type TestApp, type TestTenant } from '../helpers/app.ts';
import { paymentFixtures, tenantApi } from '../helpers/payments.ts';
import { ownerSql, systemRows, waitFor } from '../helpers/webhooks.ts';

/**
 * The maintenance job's renewal reminders: a subscription renewing within RENEWAL_REMINDER_DAYS gets one
 * e-mail to its customer per period, however often the job runs; none before the window. Saved cards
 * expiring this month or next: one e-mail per card and expiry, kept suppressed while the tenant has it off.
 */
describe('renewal reminders', () => {
  let t: TestApp;
  let jobs: Jobs;
  let tenant: TestTenant;
  let fx: Awaited<ReturnType<typeof paymentFixtures>>;

  beforeAll(async () => {
    t = await startTestApp();
    jobs = await startWorker(t.config, t.database, createLogger('silent'));
    tenant = await createTestTenant(t, 'Reminders');
  });
  afterAll(async () => {
    await jobs.stop();
    await t.close();
  });

  const reminders = (subscription: string) =>
    systemRows<{ status: string; recipients: string[]; dedup_key: string; subject: string }>(
      t.database,
      `select status, recipients, dedup_key, subject from notifications
         where template = 'renewal_reminder' and tenant_id = '${tenant.id}'
           and dedup_key like 'renewal_reminder:${fromPublicId('subscription', subscription)}:%'`,
    );

  it('running the job twice in the window makes one reminder, sent once', async () => {
    fx = await paymentFixtures(t, tenant);
    const api = tenantApi(t, tenant);
    const on = await api('POST', '/notification_preferences', {
      customer_emails: { renewal_reminder: true },
    });
    expect(on.statusCode, on.body).toBe(200);
    const sub = (await api('GET', `/subscriptions/${fx.subscription_id}`)).json();
    const periodEnd = new Date(sub.current_period_end * 1000);
    const deps = { db: t.database.db, config: t.config, jobs: () => jobs };

    // eight days before: outside the default seven-day window
    await remindRenewals(deps, new Date(periodEnd.getTime() - 8 * 86_400_000));
    expect(await reminders(fx.subscription_id)).toHaveLength(0);

    const threeDaysBefore = new Date(periodEnd.getTime() - 3 * 86_400_000);
    expect(await remindRenewals(deps, threeDaysBefore)).toBeGreaterThanOrEqual(1);
    expect(await remindRenewals(deps, threeDaysBefore)).toBe(0);
    const rows = await waitFor(
      async () => {
        const r = await reminders(fx.subscription_id);
        return r[0]?.status === 'sent' ? r : null;
      },
      'reminder sent',
      () => reminders(fx.subscription_id),
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.recipients).toEqual([`fx-${tenant.publicId}@example.com`]);
    expect(rows[0]!.dedup_key).toMatch(/^renewal_reminder:[0-9a-f-]{36}:\d+$/);
    expect(rows[0]!.subject).toMatch(/^Your Reminders subscription renews on /);
  });

  it('after a renewal, the next period gets its own reminder; a subscription set to cancel gets none', async () => {
    const sub = (await tenantApi(t, tenant)('GET', `/subscriptions/${fx.subscription_id}`)).json();
    const id = fromPublicId('subscription', fx.subscription_id);
    const deps = { db: t.database.db, config: t.config, jobs: () => jobs };
    // the renewal, as its customer.subscription.updated sync writes it: the next period, a month on
    const nextEnd = new Date((sub.current_period_end + 30 * 86_400) * 1000);
    await ownerSql(
      t.database,
      `update subscriptions set status = 'active', current_period_start = current_period_end,
         current_period_end = '${nextEnd.toISOString()}' where id = '${id}'`,
    );
    expect(await remindRenewals(deps, new Date(nextEnd.getTime() - 2 * 86_400_000))).toBeGreaterThanOrEqual(
      1,
    );
    const keys = (await reminders(fx.subscription_id)).map((r) => r.dedup_key).sort();
    expect(keys).toEqual(
      [sub.current_period_end, Math.floor(nextEnd.getTime() / 1000)]
        .map((s) => `renewal_reminder:${id}:${s}`)
        .sort(),
    );
    // set to cancel at the period's end: it does not renew, so no reminder for the period after
    const later = new Date(nextEnd.getTime() + 30 * 86_400_000);
    await ownerSql(
      t.database,
      `update subscriptions set cancel_at_period_end = true, current_period_end = '${later.toISOString()}'
         where id = '${id}'`,
    );
    // the run has finished when it returns: whatever it wrote is there
    await remindRenewals(deps, new Date(later.getTime() - 2 * 86_400_000));
    expect(await reminders(fx.subscription_id)).toHaveLength(2);
  });

  it('a period no longer than the window (a weekly plan) gets no reminder; a longer one does', async () => {
    const id = fromPublicId('subscription', fx.subscription_id);
    const deps = { db: t.database.db, config: t.config, jobs: () => jobs };
    const day = 86_400_000;
    const start = new Date(Date.UTC(2031, 0, 1));
    const setPeriod = (days: number) =>
      ownerSql(
        t.database,
        `update subscriptions set status = 'active', cancel_at_period_end = false,
           current_period_start = '${start.toISOString()}',
           current_period_end = '${new Date(start.getTime() + days * day).toISOString()}' where id = '${id}'`,
      );
    const keyOf = (days: number) =>
      `renewal_reminder:${id}:${Math.floor((start.getTime() + days * day) / 1000)}`;
    const keys = async () => (await reminders(fx.subscription_id)).map((r) => r.dedup_key);
    // a week: the day after it renews it is already within seven days of the next renewal
    await setPeriod(7);
    await remindRenewals(deps, new Date(start.getTime() + day));
    expect(await keys()).not.toContain(keyOf(7));
    await setPeriod(14);
    await remindRenewals(deps, new Date(start.getTime() + 8 * day));
    expect(await keys()).toContain(keyOf(14));
  });

  it('a saved card expiring next month: one e-mail however often the job runs, suppressed while off', async () => {
    // the fixture customer's saved card
    const [expiry] = await systemRows<{ y: number; m: number; stripe: string }>(
      t.database,
      `select exp_year as y, exp_month as m, stripe_payment_method_id as stripe from payment_methods
         where tenant_id = '${tenant.id}' and type = 'card' order by created_at limit 1`,
    );
    if (!expiry) throw new Error('no saved card');
    // the month before the card's last month: it expires "next month"
    const now = new Date(Date.UTC(expiry.y, expiry.m - 2, 15));
    const deps = { db: t.database.db, config: t.config, jobs: () => jobs };
    expect(await warnExpiringCards(deps, now)).toBeGreaterThanOrEqual(1);
    expect(await warnExpiringCards(deps, now)).toBe(0);
    const key = `card_expiring:${expiry.stripe}:${expiry.y}-${String(expiry.m).padStart(2, '0')}`;
    const rows = await systemRows<{ status: string; dedup_key: string; recipients: string[] }>(
      t.database,
      `select status, dedup_key, recipients from notifications
         where tenant_id = '${tenant.id}' and dedup_key = '${key}'`,
    );
    expect(rows).toEqual([
      {
        status: 'suppressed',
        dedup_key: key,
        recipients: [`fx-${tenant.publicId}@example.com`],
      },
    ]);
  });

  it("a deleted customer's expiring card gets no e-mail", async () => {
    const api = tenantApi(t, tenant);
    const customer = (await api('POST', '/customers', { email: 'gone@example.com' })).json() as {
      id: string;
    };
    const saved = await api('POST', `/customers/${customer.id}/setup_intents`, {
      payment_method: 'pm_card_visa',
    });
    expect(saved.statusCode, saved.body).toBe(200);
    const [card] = await systemRows<{ y: number; m: number; stripe: string; customer: string }>(
      t.database,
      `select pm.exp_year as y, pm.exp_month as m, pm.stripe_payment_method_id as stripe, c.id as customer
         from payment_methods pm join customers c on c.id = pm.customer_id
         where c.tenant_id = '${tenant.id}' and c.email = 'gone@example.com' and pm.type = 'card'`,
    );
    if (!card) throw new Error('no saved card');
    // deleted on Stripe: the customer.deleted event marks the row, its cards stay as they were
    await ownerSql(t.database, `update customers set deleted = true where id = '${card.customer}'`);
    const deps = { db: t.database.db, config: t.config, jobs: () => jobs };
    await warnExpiringCards(deps, new Date(Date.UTC(card.y, card.m - 2, 15)));
    const key = `card_expiring:${card.stripe}:${card.y}-${String(card.m).padStart(2, '0')}`;
    const rows = await systemRows(t.database, `select id from notifications where dedup_key = '${key}'`);
    expect(rows).toEqual([]);
  });
});
