import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLedgerCheck } from '../../src/analytics/ledger-check.ts';
import { mrrChanges } from '../../src/db/schema/index.ts';
import { withTenant } from '../../src/db/tenant.ts';
import { bearer, createTestTenant, startTestApp, type TestApp } from '../helpers/app.ts';
import { testDatabase } from '../helpers/db.ts';

// The nightly ledger check over every ledger: quiet while the ledgers add up, an alert naming the tenant, the
// currency and the month once one does not (here a history row no capture writes: a negative MRR).
describe('the ledger check', () => {
  let t: TestApp;
  const errors: unknown[] = [];
  const log = { error: (o: unknown) => errors.push(o) } as never;

  beforeAll(async () => {
    t = await startTestApp({ database: await testDatabase(), sandbox: false });
  });
  afterAll(() => t?.close());

  const change = (tenantId: string, subscription: string, mrr: number, at: string) => ({
    tenantId,
    stripeSubscriptionId: subscription,
    stripeCustomerId: `cus_${subscription}`,
    currency: 'usd',
    mrr,
    at: new Date(at),
  });
  const latest = async () =>
    (
      await t.app.inject({ method: 'GET', url: '/v1/analytics/ledger_check', headers: bearer(t.platformKey) })
    ).json();

  it('records each run; a ledger that does not add up is an alert with its tenant, currency and month', async () => {
    const good = await createTestTenant(t, 'Ledger good');
    await withTenant(t.database.db, good.id, (tx) =>
      tx
        .insert(mrrChanges)
        .values([
          change(good.id, 'sub_ok1', 10_000, '2026-01-10T00:00:00Z'),
          change(good.id, 'sub_ok1', 0, '2026-03-05T00:00:00Z'),
        ]),
    );
    const first = await runLedgerCheck({ db: t.database.db, log }, new Date('2026-04-02T00:00:00Z'));
    expect(first.violations).toEqual([]);
    expect(first.ledgers).toBeGreaterThanOrEqual(2); // the platform's and the tenant's
    expect(first.periods).toBeGreaterThanOrEqual(4);
    expect(errors).toEqual([]);
    expect(await latest()).toMatchObject({ object: 'analytics.ledger_check', ok: true, violations: [] });

    const bad = await createTestTenant(t, 'Ledger bad');
    await withTenant(t.database.db, bad.id, (tx) =>
      tx.insert(mrrChanges).values(change(bad.id, 'sub_bad1', -500, '2026-02-10T00:00:00Z')),
    );
    const second = await runLedgerCheck({ db: t.database.db, log }, new Date('2026-04-02T00:00:00Z'));
    expect(second.violations.length).toBeGreaterThan(0);
    expect(second.violations[0]).toMatchObject({
      scope: 'tenant',
      tenant: bad.publicId,
      currency: 'usd',
      period: '2026-02',
    });
    expect(second.violations.every((v) => v.tenant === bad.publicId)).toBe(true);
    expect(errors).toHaveLength(1);
    const shown = await latest();
    expect(shown.ok).toBe(false);
    expect(shown.violations[0]).toMatchObject({ tenant: bad.publicId, period: '2026-02' });
    // the platform's alone: a tenant's key is refused
    const refused = await t.app.inject({
      method: 'GET',
      url: '/v1/analytics/ledger_check',
      headers: bearer(good.key),
    });
    expect(refused.statusCode).toBe(403);
  });
});
