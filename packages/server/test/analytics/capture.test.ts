import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { foldChanges } from '../../src/analytics/fold.ts';
import {
  backfillTenantSubscription,
  recordPlanRecovery,
  recordPlanSubscription,
  recordPlanSuspension,
  recordTenantSubscription,
} from '../../src/analytics/service.ts';
import type { Ctx } from '../../src/context.ts';
import { queryRows } from '../../src/db/client.ts';
import { withTenant } from '../../src/db/tenant.ts';
import {
  clearRestate,
  copy,
  DAY,
  event,
  newTenant,
  permutations,
  platformRows,
  systemCtx,
  T0,
  tenantRestateFrom,
  tenantRows,
} from './capture-fixtures.ts';

// The capture on a real database: copies of subscriptions as events carry them, in any order, replayed,
// late — the change rows come out the same (docs/analytics.md, "Capture").

let ctx: Ctx;
beforeAll(async () => {
  ctx = await systemCtx();
});

const record = (tenantId: string, sub: string, e: ReturnType<typeof event>) =>
  withTenant(ctx.db, tenantId, (tx) => recordTenantSubscription(tx, tenantId, sub, e));

describe('a tenant’s subscription history', () => {
  /** One subscription's life: paid at once (incomplete, then active in the same second), upgraded, past due,
   * downgraded, canceled at period end (its end, not the request, dates the churn). */
  function life(sub: string) {
    const cus = `cus_${sub}`;
    const canceled = copy(sub, cus, 10_000, {
      status: 'canceled',
      ended_at: T0 + 60 * DAY,
      cancellation_details: { reason: 'cancellation_requested' },
    });
    return {
      final: canceled,
      copies: [
        [copy(sub, cus, 10_000, { status: 'incomplete' }), T0],
        [copy(sub, cus, 10_000), T0],
        [copy(sub, cus, 50_000), T0 + 10 * DAY],
        [copy(sub, cus, 50_000, { status: 'past_due' }), T0 + 40 * DAY],
        [copy(sub, cus, 10_000), T0 + 45 * DAY],
        [canceled, T0 + 60 * DAY + 5],
      ] as const,
      expected: [
        { at: T0, mrr: 10_000, churn: null },
        { at: T0 + 10 * DAY, mrr: 50_000, churn: null },
        { at: T0 + 45 * DAY, mrr: 10_000, churn: null },
        { at: T0 + 60 * DAY, mrr: 0, churn: 'voluntary' },
      ],
    };
  }
  const shape = (rows: Awaited<ReturnType<typeof tenantRows>>, sub: string) =>
    rows.filter((r) => r.subscription === sub).map(({ at, mrr, churn }) => ({ at, mrr, churn }));

  it('the same events in any order, each replayed, give the same rows', async () => {
    const tenantId = await newTenant(ctx);
    const all = permutations([0, 1, 2, 3, 4, 5]);
    // a fixed spread of the 720 orders: in order, reversed, and every 97th
    const orders = [all[0]!, all[all.length - 1]!, ...all.filter((_, i) => i % 97 === 50)];
    for (const [n, order] of orders.entries()) {
      const sub = `sub_order${n}`;
      const { copies, final, expected } = life(sub);
      for (const i of [...order, ...order.slice(0, 3)]) {
        const [c, created] = copies[i]!;
        // processed after the whole life: the refetch reads the canceled subscription
        await record(tenantId, sub, event(c, created, final));
      }
      expect(shape(await tenantRows(ctx, tenantId), sub), `order ${order}`).toEqual(expected);
    }
  });

  it('two copies of the same second and status: the one the later read agrees with wins', async () => {
    const tenantId = await newTenant(ctx);
    for (const first of ['older', 'newer'] as const) {
      const sub = `sub_tie_${first}`;
      const older = copy(sub, 'cus_tie', 20_000);
      const newer = copy(sub, 'cus_tie', 30_000);
      const events = [event(older, T0, newer), event(newer, T0, newer)];
      if (first === 'newer') events.reverse();
      for (const e of events) await record(tenantId, sub, e);
      expect(shape(await tenantRows(ctx, tenantId), sub)).toEqual([{ at: T0, mrr: 30_000, churn: null }]);
    }
  });

  it('a late change is placed at its own time and moves the restate marker back to it', async () => {
    const tenantId = await newTenant(ctx);
    const sub = 'sub_late';
    await record(tenantId, sub, event(copy(sub, 'cus_late', 10_000), T0));
    const ended = copy(sub, 'cus_late', 10_000, { status: 'canceled', ended_at: T0 + 20 * DAY });
    await record(tenantId, sub, event(ended, T0 + 20 * DAY));
    expect(await tenantRestateFrom(ctx, tenantId)).toBe(T0);
    await clearRestate(ctx, tenantId);
    // a copy telling nothing new changes nothing, and restates nothing
    await record(tenantId, sub, event(copy(sub, 'cus_late', 10_000), T0 + 5 * DAY, ended));
    expect(await tenantRestateFrom(ctx, tenantId)).toBeNull();
    await record(tenantId, sub, event(copy(sub, 'cus_late', 50_000), T0 + 10 * DAY, ended));
    expect(shape(await tenantRows(ctx, tenantId), sub)).toEqual([
      { at: T0, mrr: 10_000, churn: null },
      { at: T0 + 10 * DAY, mrr: 50_000, churn: null },
      { at: T0 + 20 * DAY, mrr: 0, churn: 'voluntary' },
    ]);
    expect(await tenantRestateFrom(ctx, tenantId)).toBe(T0 + 10 * DAY);
  });

  it('a backfill adds nothing to what the events told', async () => {
    const tenantId = await newTenant(ctx);
    const sub = 'sub_told';
    const { copies, final, expected } = life(sub);
    for (const [c, created] of copies) await record(tenantId, sub, event(c, created, final));
    const added = await withTenant(ctx.db, tenantId, (tx) =>
      backfillTenantSubscription(
        tx,
        tenantId,
        { ...final, start_date: T0, created: T0 },
        new Date((T0 + 90 * DAY) * 1000),
      ),
    );
    expect(added).toBe(false);
    expect(shape(await tenantRows(ctx, tenantId), sub)).toEqual(expected);
  });

  it('an event about another subscription than the one named records nothing', async () => {
    const tenantId = await newTenant(ctx);
    await record(tenantId, 'sub_named', event(copy('sub_other', 'cus_x', 10_000), T0));
    expect(await tenantRows(ctx, tenantId)).toEqual([]);
  });
});

describe('the platform’s plan history', () => {
  async function plan() {
    const tenantId = await newTenant(ctx, 'Plan');
    const customer = `cus_${randomUUID().slice(0, 8)}`;
    const sub = `sub_${randomUUID().slice(0, 8)}`;
    const recordPlan = (c: ReturnType<typeof copy>, created: number) =>
      withTenant(ctx.db, tenantId, (tx) => recordPlanSubscription(tx, tenantId, customer, event(c, created)));
    const suspend = (caseId: string, at: number) =>
      withTenant(ctx.db, tenantId, (tx) =>
        recordPlanSuspension(tx, { tenantId, caseId, subscription: sub, customer, at: new Date(at * 1000) }),
      );
    const recover = (caseId: string, at: number) =>
      withTenant(ctx.db, tenantId, (tx) =>
        recordPlanRecovery(tx, { tenantId, caseId, at: new Date(at * 1000) }),
      );
    return { tenantId, customer, sub, recordPlan, suspend, recover };
  }
  const shape = (rows: Awaited<ReturnType<typeof platformRows>>) =>
    rows.map(({ at, mrr, churn }) => ({ at, mrr, churn }));

  it('suspension counts 0 (involuntary) until the recovery, whatever Stripe says meanwhile', async () => {
    const p = await plan();
    const caseId = randomUUID();
    await p.recordPlan(copy(p.sub, p.customer, 10_000), T0);
    await p.recordPlan(copy(p.sub, p.customer, 10_000, { status: 'past_due' }), T0 + 31 * DAY);
    await p.suspend(caseId, T0 + 38 * DAY);
    await p.suspend(caseId, T0 + 38 * DAY); // the run again
    // a plan change while suspended counts from the recovery
    await p.recordPlan(copy(p.sub, p.customer, 20_000, { status: 'past_due' }), T0 + 40 * DAY);
    await p.recover(caseId, T0 + 45 * DAY);
    await p.recover(caseId, T0 + 46 * DAY); // the webhook after the recovery page: changes nothing
    await p.recordPlan(copy(p.sub, p.customer, 20_000), T0 + 45 * DAY);
    expect(shape(await platformRows(ctx, p.customer))).toEqual([
      { at: T0, mrr: 10_000, churn: null },
      { at: T0 + 38 * DAY, mrr: 0, churn: 'involuntary' },
      { at: T0 + 45 * DAY, mrr: 20_000, churn: null },
    ]);
  });

  it('a payment dated before the suspension lifts it from the start', async () => {
    const p = await plan();
    const caseId = randomUUID();
    await p.recordPlan(copy(p.sub, p.customer, 10_000), T0);
    await p.suspend(caseId, T0 + 38 * DAY);
    await p.recover(caseId, T0 + 37 * DAY);
    expect(shape(await platformRows(ctx, p.customer))).toEqual([{ at: T0, mrr: 10_000, churn: null }]);
  });

  it("a subscription of another customer than the tenant's billing customer is not recorded", async () => {
    const p = await plan();
    await withTenant(ctx.db, p.tenantId, (tx) =>
      recordPlanSubscription(
        tx,
        p.tenantId,
        p.customer,
        event(copy('sub_x', 'cus_someone_else', 10_000), T0),
      ),
    );
    expect(await platformRows(ctx, 'cus_someone_else')).toEqual([]);
  });

  it("the tenant's transaction is back in its own role after the platform's write", async () => {
    const p = await plan();
    const after = await withTenant(ctx.db, p.tenantId, async (tx) => {
      await recordPlanSubscription(tx, p.tenantId, p.customer, event(copy(p.sub, p.customer, 10_000), T0));
      const [me] = await queryRows<{ role: string }>(tx, sql`select current_user as role`);
      const seen = await queryRows<{ n: number }>(
        tx,
        sql`select count(*)::int as n from platform_mrr_changes`,
      );
      return { role: me?.role, seen: seen[0]?.n };
    });
    expect(after).toEqual({ role: 'tributary_app', seen: 0 });
    expect(await platformRows(ctx, p.customer)).toHaveLength(1);
  });
});

describe('the fold', () => {
  const obs = (at: number, mrr: number, more: Partial<Parameters<typeof foldChanges>[0][number]> = {}) => ({
    at: new Date(at * 1000),
    rank: 2,
    customer: 'cus_f',
    currency: 'usd',
    mrr,
    churnKind: mrr === 0 ? ('voluntary' as const) : null,
    later: [],
    ...more,
  });
  const rows = (r: ReturnType<typeof foldChanges>) =>
    r.map((c) => [c.at.getTime() / 1000 - T0, c.currency, c.mrr, c.churnKind]);

  it('nothing while 0 from the start; a row per change', () => {
    expect(rows(foldChanges([obs(T0, 0), obs(T0 + 1, 100), obs(T0 + 2, 100), obs(T0 + 3, 0)]))).toEqual([
      [1, 'usd', 100, null],
      [3, 'usd', 0, 'voluntary'],
    ]);
  });

  it("a discount's end, unless a later observation came first", () => {
    const discounted = obs(T0, 50, { later: [{ at: new Date((T0 + 10) * 1000), mrr: 100 }] });
    expect(rows(foldChanges([discounted]))).toEqual([
      [0, 'usd', 50, null],
      [10, 'usd', 100, null],
    ]);
    expect(rows(foldChanges([discounted, obs(T0 + 5, 0)]))).toEqual([
      [0, 'usd', 50, null],
      [5, 'usd', 0, 'voluntary'],
    ]);
  });

  it('a currency change ends the old stream and starts the new one at the same instant', () => {
    expect(rows(foldChanges([obs(T0, 100), obs(T0 + 1, 90, { currency: 'eur' })]))).toEqual([
      [0, 'usd', 100, null],
      [1, 'usd', 0, 'voluntary'],
      [1, 'eur', 90, null],
    ]);
  });
});
