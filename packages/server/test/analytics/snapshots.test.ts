import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nextPeriodStart, periodStart } from '../../src/analytics/periods.ts';
import { computeMetrics } from '../../src/analytics/ratios.ts';
import * as repo from '../../src/analytics/repo.ts';
import { metricsReport } from '../../src/analytics/report.ts';
import { refreshMarkedSnapshots } from '../../src/analytics/snapshot-job.ts';
import { readState } from '../../src/analytics/snapshot-repo.ts';
import { freshState, refreshSnapshots, snapshotMetrics } from '../../src/analytics/snapshots.ts';
import type { PeriodUnit } from '../../src/analytics/types.ts';
import { queryRows, type Tx } from '../../src/db/client.ts';
import { withSystem, withTenant } from '../../src/db/tenant.ts';
import { bearer, createTestTenant, startTestApp, type TestApp } from '../helpers/app.ts';
import { testDatabase } from '../helpers/db.ts';

// Snapshots (docs/analytics.md, "Snapshots") answer exactly what the engine computes over the whole history:
// for random histories, for every unit and range (before the first change, across it, past the stored
// horizon), before and after late changes restate earlier periods; and a late change restates only the
// periods from its own on.

const runs = Number(process.env.TRIBUTARY_PROPERTY_RUNS ?? 25);
const DAY = 86_400_000;
const FIRST = Date.UTC(2025, 11, 1);
const currencies = ['eur', 'jpy', 'usd'];
const quiet = () => ({ debug: () => {}, error: () => {}, info: () => {}, warn: () => {} }) as never;

type Row = { sub: number; mrr: number; day: number; noon: boolean; churnKind?: 'voluntary' | 'involuntary' };
const rowArb = (subs: number) =>
  fc.record({
    sub: fc.nat({ max: subs - 1 }),
    mrr: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 5_000 })),
    day: fc.nat({ max: 130 }),
    noon: fc.boolean(),
    churnKind: fc.constantFrom(undefined, 'voluntary' as const, 'involuntary' as const),
  });
const poolArb = fc.array(fc.record({ customer: fc.nat({ max: 3 }), currency: fc.nat({ max: 2 }) }), {
  minLength: 1,
  maxLength: 8,
});
const caseArb = poolArb.chain((pool) =>
  fc.record({
    pool: fc.constant(pool),
    first: fc.array(rowArb(pool.length), { maxLength: 30 }),
    late: fc.array(rowArb(pool.length), { minLength: 1, maxLength: 6 }),
    unit: fc.constantFrom<PeriodUnit>('month', 'week', 'day'),
    fromDay: fc.integer({ min: -40, max: 200 }),
    periods: fc.integer({ min: 1, max: 40 }),
    currency: fc.constantFrom(undefined, 'usd', 'eur'),
    restateDay: fc.nat({ max: 140 }),
  }),
);

describe('MRR snapshots', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ database: await testDatabase(), sandbox: false });
  });
  afterAll(() => t?.close());

  /** Writes the rows as captures do (one per subscription and instant, a later one replacing) and marks. */
  async function write(
    tx: Tx,
    tenantId: string,
    pool: { customer: number; currency: number }[],
    rows: Row[],
  ) {
    let earliest: number | null = null;
    for (const r of rows) {
      const at = FIRST + r.day * DAY + (r.noon ? DAY / 2 : 0);
      const p = pool[r.sub] as { customer: number; currency: number };
      const churnKind = r.mrr === 0 ? (r.churnKind ?? null) : null;
      await tx.execute(sql`insert into mrr_changes (tenant_id, stripe_subscription_id, stripe_customer_id,
          currency, mrr, at, churn_kind)
        values (${tenantId}::uuid, ${`sub_${r.sub}`}, ${`cus_${p.customer}`}, ${currencies[p.currency]},
          ${r.mrr}, ${new Date(at).toISOString()}::timestamptz, ${churnKind})
        on conflict (tenant_id, stripe_subscription_id, currency, at)
        do update set mrr = excluded.mrr, churn_kind = excluded.churn_kind`);
      if (earliest === null || at < earliest) earliest = at;
    }
    if (earliest !== null) await repo.markRestate(tx, { kind: 'tenant', tenantId }, new Date(earliest));
  }

  /** The snapshots' answer and the engine's over the whole history, for one range. */
  async function both(
    tx: Tx,
    tenantId: string,
    range: { from: Date; to: Date; unit: PeriodUnit; currency?: string },
  ) {
    const scope = { kind: 'tenant' as const, tenantId };
    const state = await readState(tx, scope);
    const fromSnapshots = await snapshotMetrics(tx, scope, state, range);
    const engine = computeMetrics(await repo.history(tx, scope, range.to), range).filter(
      (p) => !range.currency || p.currency === range.currency,
    );
    return { fromSnapshots, engine };
  }

  it('answer what the engine computes over the whole history, before and after late changes', async () => {
    const tenant = await createTestTenant(t, 'Snapshot properties');
    const scope = { kind: 'tenant' as const, tenantId: tenant.id };
    // a horizon in the past of the wall clock, so that ranges run past it (the quiet periods after)
    const now = new Date(Date.UTC(2026, 4, 20));
    await fc.assert(
      fc.asyncProperty(caseArb, async (c) => {
        const start = periodStart(new Date(FIRST + c.fromDay * DAY), c.unit);
        let to = start;
        for (let i = 0; i < c.periods; i++) to = nextPeriodStart(to, c.unit);
        const range = { from: start, to, unit: c.unit, ...(c.currency ? { currency: c.currency } : {}) };
        await withTenant(t.database.db, tenant.id, async (tx) => {
          for (const table of [
            'mrr_changes',
            'mrr_snapshots',
            'mrr_snapshot_states',
            'analytics_restate_from',
          ])
            await tx.execute(sql`delete from ${sql.raw(table)} where tenant_id = ${tenant.id}::uuid`);
          await write(tx, tenant.id, c.pool, c.first);
          await refreshSnapshots(tx, scope, now);
          const before = await both(tx, tenant.id, range);
          expect(before.fromSnapshots).toEqual(before.engine);
          // late changes (and replays of stored ones): restated from the earliest on
          await write(tx, tenant.id, c.pool, c.late);
          await refreshSnapshots(tx, scope, now);
          const after = await both(tx, tenant.id, range);
          expect(after.fromSnapshots).toEqual(after.engine);
          // a restatement from any instant (the engine's state before it loaded from the rows) changes nothing
          await repo.markRestate(tx, scope, new Date(FIRST + c.restateDay * DAY));
          await refreshSnapshots(tx, scope, now);
          const again = await both(tx, tenant.id, range);
          expect(again.fromSnapshots).toEqual(after.engine);
        });
      }),
      { numRuns: runs },
    );
  }, 600_000);

  it('a late change restates the periods from its own on, and only those; reads refresh first', async () => {
    const tenant = await createTestTenant(t, 'Snapshot restate');
    const scope = { kind: 'tenant' as const, tenantId: tenant.id };
    const pool = [
      { customer: 0, currency: 2 },
      { customer: 1, currency: 2 },
      { customer: 2, currency: 2 },
    ];
    // Dec 2025 → Apr 2026: three customers start, one expands, one churns
    await withTenant(t.database.db, tenant.id, (tx) =>
      write(tx, tenant.id, pool, [
        { sub: 0, mrr: 1_000, day: 3, noon: false },
        { sub: 1, mrr: 2_000, day: 40, noon: false },
        { sub: 2, mrr: 3_000, day: 70, noon: true },
        { sub: 0, mrr: 1_500, day: 100, noon: false },
        { sub: 1, mrr: 0, day: 120, noon: false, churnKind: 'involuntary' },
      ]),
    );
    // the job builds them (it takes the marker)
    const swept = await refreshMarkedSnapshots({ db: t.database.db, log: quiet() });
    expect(swept.scopes).toBeGreaterThanOrEqual(1);
    const versions = () =>
      withTenant(t.database.db, tenant.id, (tx) =>
        queryRows<{ start: string; unit: string; version: string }>(
          tx,
          sql`select to_char(period_start at time zone 'UTC', 'YYYY-MM-DD') as start, unit, xmin::text as version
              from mrr_snapshots where tenant_id = ${tenant.id}::uuid order by unit, period_start`,
        ),
      );
    const built = await versions();
    expect(
      built
        .filter((r) => r.unit === 'month')
        .map((r) => r.start)
        .slice(0, 5),
    ).toEqual(['2025-12-01', '2026-01-01', '2026-02-01', '2026-03-01', '2026-04-01']);

    // a late event: customer 2 really started on 2026-03-20 (a Friday), not on 2026-02-09
    await withTenant(t.database.db, tenant.id, (tx) =>
      write(tx, tenant.id, pool, [{ sub: 2, mrr: 500, day: 109, noon: false }]),
    );
    const restatedFrom = new Date(FIRST + 109 * DAY);
    // a read refreshes the scope first, and answers as the engine does over the whole history
    const range = {
      from: new Date(Date.UTC(2025, 11, 1)),
      to: new Date(Date.UTC(2026, 5, 1)),
      unit: 'month' as const,
    };
    const res = await t.app.inject({
      method: 'GET',
      url: `/v1/tenants/${tenant.publicId}/analytics/mrr?interval=month&from=2025-12&to=2026-05`,
      headers: bearer(tenant.key),
    });
    expect(res.statusCode).toBe(200);
    const history = await withTenant(t.database.db, tenant.id, (tx) => repo.history(tx, scope, range.to));
    expect(res.json().data).toEqual(metricsReport(history, range));
    expect(await withTenant(t.database.db, tenant.id, (tx) => repo.restateFrom(tx, scope))).toBeNull();

    const restated = await versions();
    const old = new Map(built.map((r) => [`${r.unit} ${r.start}`, r.version]));
    for (const unit of ['month', 'week', 'day'] as const) {
      const first = periodStart(restatedFrom, unit).toISOString().slice(0, 10);
      const rows = restated.filter((r) => r.unit === unit);
      const kept = rows.filter((r) => r.start < first);
      const redone = rows.filter((r) => r.start >= first);
      // the periods before the late change's are the rows the build wrote; the ones from it on are new
      expect(kept.length).toBeGreaterThan(0);
      expect(kept.every((r) => old.get(`${unit} ${r.start}`) === r.version)).toBe(true);
      expect(redone.length).toBeGreaterThan(0);
      expect(redone.every((r) => old.get(`${unit} ${r.start}`) !== r.version)).toBe(true);
    }
  }, 120_000);

  it('the platform reads its own snapshots, refreshed when its marker moved', async () => {
    const platform = { kind: 'platform' as const, tenantId: null };
    const ats = [Date.UTC(2026, 0, 5), Date.UTC(2026, 1, 7)];
    await withSystem(t.database.db, 'analytics.snapshots', async (tx) => {
      for (const [i, at] of ats.entries())
        await tx.execute(sql`insert into platform_mrr_changes (stripe_subscription_id, stripe_customer_id,
            currency, mrr, at) values (${`sub_snap_${i}`}, ${`cus_snap_${i}`}, 'usd', ${1_000 * (i + 1)},
            ${new Date(at).toISOString()}::timestamptz) on conflict do nothing`);
      await repo.markRestate(tx, platform, new Date(ats[0] as number));
    });
    const res = await t.app.inject({
      method: 'GET',
      url: '/v1/analytics/mrr?interval=month&from=2026-01&to=2026-03',
      headers: bearer(t.platformKey),
    });
    expect(res.statusCode).toBe(200);
    const range = {
      from: new Date(Date.UTC(2026, 0, 1)),
      to: new Date(Date.UTC(2026, 3, 1)),
      unit: 'month' as const,
    };
    const { history, state } = await withSystem(t.database.db, 'analytics.snapshots', async (tx) => ({
      history: await repo.history(tx, platform, range.to),
      state: await freshState(tx, platform),
    }));
    expect(res.json().data).toEqual(metricsReport(history, range));
    // refreshed: its state written (no event was observed here, so the clock is the wall's)
    expect(state?.computedAt).toBeInstanceOf(Date);
    const usd = res.json().data.find((d: { currency: string }) => d.currency === 'usd');
    expect(usd.periods[1].movements.new).toBeGreaterThanOrEqual(2_000);
  }, 120_000);
});
