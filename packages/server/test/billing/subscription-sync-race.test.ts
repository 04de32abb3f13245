import pg from 'pg';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applySubscription } from '../../src/billing/tenant-plan/sync.ts';
import { withTenant } from '../../src/db/tenant.ts';
import { createTestTenant, startTestApp, type TestApp } from '../helpers/app.ts';
import { onPostgres } from '../helpers/db.ts';
import { systemRows } from '../helpers/webhooks.ts';
import { createPlan, putOnPlan } from './usage-fixtures.ts';

/**
 * A subscription event is applied while a plan change of the same tenant commits: the event read the row
 * before the change, and its write waits on the change's lock. Once the change commits, the event must
 * not put back the subscription the change left (the row on the free plan with the old paid subscription).
 */
describe.skipIf(!onPostgres)('a subscription event racing a plan change', () => {
  let t: TestApp;
  let paid: string;
  let free: string;
  beforeAll(async () => {
    t = await startTestApp({ sandbox: false });
    paid = await createPlan(t.database, { name: 'Paid', limits: [] });
    free = await createPlan(t.database, { name: 'Free', limits: [] });
  });
  afterAll(() => t.close());

  it('leaves the row on the plan the change committed, without the old subscription', async () => {
    const tenant = await createTestTenant(t);
    await putOnPlan(t.database, tenant.id, paid, { stripeSubscriptionId: 'sub_race_old' });
    const now = Math.floor(Date.now() / 1000);
    const event = {
      id: 'sub_race_old',
      object: 'subscription',
      status: 'active',
      trial_end: null,
      cancel_at_period_end: false,
      items: { data: [{ current_period_start: now, current_period_end: now + 30 * 86_400 }] },
    } as unknown as Stripe.Subscription;

    // the plan change, holding the row's lock, not yet committed
    const change = new pg.Client({ connectionString: t.database.appConnectionString! });
    await change.connect();
    try {
      await change.query('begin');
      await change.query(`select set_config('app.tenant_id', $1, true)`, [tenant.id]);
      await change.query(
        `update tenant_billing set plan_id = $2, stripe_subscription_id = null, stripe_status = null
         where tenant_id = $1`,
        [tenant.id, free],
      );
      const applied = withTenant(t.database.db, tenant.id, (tx) =>
        applySubscription(tx, tenant.id, event, new Date()),
      );
      // the event has read the row and waits on the change's lock
      const owner = new pg.Client({ connectionString: t.database.ownerConnectionString! });
      await owner.connect();
      try {
        await expect
          .poll(async () => {
            const r = await owner.query(
              `select count(*)::int as n from pg_stat_activity
               where datname = current_database() and wait_event_type = 'Lock' and query like '%tenant_billing%'`,
            );
            return r.rows[0].n;
          })
          .toBe(1);
      } finally {
        await owner.end();
      }
      await change.query('commit');
      await applied;
    } finally {
      await change.end();
    }
    const [row] = await systemRows<{ plan_id: string; stripe_subscription_id: string | null }>(
      t.database,
      `select plan_id, stripe_subscription_id from tenant_billing where tenant_id = '${tenant.id}'`,
    );
    expect(row).toEqual({ plan_id: free, stripe_subscription_id: null });
  });
});
