import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffPlan } from '../../src/billing/plans/changes.ts';
import { checkEntitlement, getEntitlements } from '../../src/billing/usage/entitlements.ts';
import { tenantBilling } from '../../src/db/schema/index.ts';
import { withTenant } from '../../src/db/tenant.ts';
import { asUuid } from '../../src/http/ids.ts';
import { scopeInTenant } from '../../src/scope/tenant.ts';
import { createTestTenant, startTestApp, type TestApp } from '../helpers/app.ts';
import { createPlan, putOnPlan } from './usage-fixtures.ts';

// A plan's limit is per month: a yearly subscriber's period (a year) holds twelve of a counted metric, as
// its Stripe overage price (free up to twelve times the limit) does; a gauge (seats) is a count, never ×12.
describe('limits of a yearly subscription', () => {
  let t: TestApp;
  let plan: string;
  beforeAll(async () => {
    t = await startTestApp({ sandbox: false });
    plan = await createPlan(t.database, {
      name: 'Yearly',
      limits: [
        { metric: 'payment_volume', currency: 'usd', limit: 100_000, enforcement: 'hard' },
        { metric: 'api_calls', limit: 1_000, enforcement: 'hard' },
        { metric: 'seats', limit: 5, enforcement: 'hard' },
      ],
    });
  });
  afterAll(() => t.close());

  it('entitlements and checks use twelve times the limit of a counter, the limit of a gauge', async () => {
    const tenant = await createTestTenant(t);
    await putOnPlan(t.database, tenant.id, plan);
    await withTenant(t.database.db, tenant.id, (tx) =>
      tx.update(tenantBilling).set({ interval: 'year' }).where(eq(tenantBilling.tenantId, tenant.id)),
    );
    const scope = scopeInTenant(t.systemCtx, asUuid('tenant', tenant.id));
    const view = await getEntitlements(scope);
    expect(view.metrics.payment_volume?.limit).toBe(1_200_000);
    expect(view.metrics.api_calls?.limit).toBe(12_000);
    expect(view.metrics.seats?.limit).toBe(5);
    const check = await checkEntitlement(scope, { metric: 'api_calls', quantity: 5_000 });
    expect(check).toMatchObject({ allowed: true, reason: 'within_limit', limit: 12_000 });
    // the same plan monthly: the limit itself (the cache keys the interval too)
    const monthly = await createTestTenant(t);
    await putOnPlan(t.database, monthly.id, plan);
    const m = await getEntitlements(scopeInTenant(t.systemCtx, asUuid('tenant', monthly.id)));
    expect(m.metrics.api_calls?.limit).toBe(1_000);
  });

  it("a gauge's yearly overage price is free up to the limit, not twelve times it", () => {
    const diff = diffPlan(
      { plan: { features: {} }, prices: [], limits: [], overage: [] } as never,
      {
        prices: [{ currency: 'usd', interval: 'year', unit_amount: 12_000 }],
        limits: [
          { metric: 'seats', limit: 5, enforcement: 'soft', overage_unit_amount_decimal: '1000' },
          { metric: 'api_calls', limit: 1_000, enforcement: 'soft', overage_unit_amount_decimal: '1' },
        ],
      } as never,
    );
    const limits = Object.fromEntries(diff.addOverage.map((o) => [o.metric, o.limit]));
    expect(limits).toEqual({ seats: 5, api_calls: 12_000 });
  });
});
