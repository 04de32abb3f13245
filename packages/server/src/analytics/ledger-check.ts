// The nightly ledger check (docs/analytics.md, "The ledger check"): every ledger, the platform's and each
// tenant's, recomputed from its history over every month since its first change and checked against
// start + new + reactivation + expansion − contraction − churn = end; what does not add up is kept and logged
// as an error for the operator.
import { desc, sql } from 'drizzle-orm';
import type { Ctx } from '../context.ts';
import type { Db } from '../db/client.ts';
import { queryRows } from '../db/client.ts';
import { analyticsLedgerChecks, type LedgerAlert } from '../db/schema/index.ts';
import { withSystem, withTenant } from '../db/tenant.ts';
import { toPublicId } from '../http/ids.ts';
import type { Logger } from '../logger.ts';
import { requirePlatformScope } from '../scope/actor.ts';
import { checkLedger, computeLedger } from './movements.ts';
import { nextPeriodStart } from './periods.ts';
import * as repo from './repo.ts';
import type { MrrChange } from './types.ts';

export type LedgerCheckRow = typeof analyticsLedgerChecks.$inferSelect;

/** The problems of one ledger, from its first change's month to the month holding `now`, and its periods. */
export function ledgerProblems(
  history: readonly MrrChange[],
  now: Date,
  who: Pick<LedgerAlert, 'scope' | 'tenant'>,
): { periods: number; alerts: LedgerAlert[] } {
  const month = (d: Date) => d.toISOString().slice(0, 7);
  // a row the engine refuses (no capture writes one) is an alert of its own; the rest is checked
  const broken = history.filter((c) => !Number.isSafeInteger(c.mrr) || c.mrr < 0);
  const alerts: LedgerAlert[] = broken.map((c) => ({
    ...who,
    currency: c.currency,
    period: month(c.at),
    problem: `${c.subscription} has MRR ${c.mrr} at ${c.at.toISOString()}, not an integer >= 0`,
  }));
  const valid = broken.length === 0 ? history : history.filter((c) => !broken.includes(c));
  const first = valid[0];
  if (!first) return { periods: 0, alerts };
  let last = first.at;
  for (const c of valid) if (c.at > last) last = c.at;
  const until = last > now ? last : now;
  const rows = computeLedger(valid, { from: first.at, to: nextPeriodStart(until, 'day'), unit: 'month' });
  for (const v of checkLedger(rows))
    alerts.push({ ...who, currency: v.currency, period: month(v.start), problem: v.problem });
  return { periods: rows.length, alerts };
}

/** Checks every ledger and records the run; its alerts are logged as an error. */
export async function runLedgerCheck(
  deps: { db: Db; log: Logger },
  now = new Date(),
): Promise<LedgerCheckRow> {
  const { platform, tenants } = await withSystem(deps.db, 'analytics.ledger_check', async (tx) => ({
    platform: await repo.history(tx, { kind: 'platform', tenantId: null }),
    tenants: await queryRows<{ tenant_id: string }>(
      tx,
      sql`select distinct tenant_id::text as tenant_id from mrr_changes order by 1`,
    ),
  }));
  const checks = [ledgerProblems(platform, now, { scope: 'platform', tenant: null })];
  for (const { tenant_id: tenantId } of tenants) {
    const history = await withTenant(deps.db, tenantId, (tx) =>
      repo.history(tx, { kind: 'tenant', tenantId }),
    );
    checks.push(ledgerProblems(history, now, { scope: 'tenant', tenant: toPublicId('tenant', tenantId) }));
  }
  const violations = checks.flatMap((c) => c.alerts);
  const [row] = await withSystem(deps.db, 'analytics.ledger_check', (tx) =>
    tx
      .insert(analyticsLedgerChecks)
      .values({
        ledgers: checks.length,
        periods: checks.reduce((n, c) => n + c.periods, 0),
        violations,
      })
      .returning(),
  );
  if (violations.length > 0)
    deps.log.error({ violations }, 'analytics ledger check: a ledger does not add up');
  return row as LedgerCheckRow;
}

/** The latest run of the check, or null before the first. */
export async function latestLedgerCheck(ctx: Ctx): Promise<LedgerCheckRow | null> {
  requirePlatformScope(ctx.actor, 'analytics:read');
  const [row] = await withSystem(ctx.db, 'analytics.ledger_check', (tx) =>
    tx.select().from(analyticsLedgerChecks).orderBy(desc(analyticsLedgerChecks.checkedAt)).limit(1),
  );
  return row ?? null;
}
