import { and, eq, inArray, sql } from 'drizzle-orm';
import type { PgInsertValue } from 'drizzle-orm/pg-core';
import type { Tx } from '../../db/client.ts';
import { usageAlerts, usageSummaries } from '../../db/schema/index.ts';
import { toPublicId } from '../../http/ids.ts';
import { alertOwners, notifyField } from '../../notifications/service.ts';
import { emitOutbound } from '../../webhooks/service.ts';
import { type BillingRow, billingOf } from '../core.ts';
import { changedIn } from '../entitlements-cache.ts';
import type { UsageDeps } from './metrics.ts';
import { type Terms, termsOf, thresholdAt, thresholdsOf } from './terms.ts';

// Threshold alerts (docs/platform-billing.md, "Threshold alerts"): a threshold fires when a change takes usage
// from below it to at or above it; each fires once per (tenant, metric, period, limits version, threshold),
// which the unique key `usage_alerts_once_key` makes true under any concurrency. Only the rows this
// transaction inserted notify.

export type AlertRow = typeof usageAlerts.$inferSelect;

/** One summary's change in the usage transaction. */
export interface UsageChange {
  metric: string;
  periodStart: Date;
  before: number;
  after: number;
}

/** The thresholds crossed by each change, ascending, as alert rows to insert. */
function crossed(row: BillingRow, terms: Terms, changes: UsageChange[], notified: boolean) {
  const thresholds = thresholdsOf(terms.plan);
  const out: PgInsertValue<typeof usageAlerts>[] = [];
  for (const c of changes) {
    const limit = terms.limits.get(c.metric);
    if (!limit || limit.limit <= 0 || c.periodStart < row.periodStart) continue;
    for (const t of thresholds) {
      const at = thresholdAt(limit.limit, t);
      if (c.before < at && c.after >= at)
        out.push({
          tenantId: row.tenantId,
          metric: c.metric,
          periodStart: c.periodStart,
          limitsVersion: row.limitsVersion,
          threshold: t,
          limit: limit.limit,
          used: c.after,
          notified,
          // one statement inserts them: the clock orders them as they fire, ascending
          createdAt: sql`clock_timestamp()`,
        });
    }
  }
  return out;
}

/** Records the thresholds the changes crossed and notifies those not recorded before, ascending. */
export async function fireThresholds(
  tx: Tx,
  deps: UsageDeps,
  row: BillingRow,
  terms: Terms,
  changes: UsageChange[],
): Promise<AlertRow[]> {
  const rows = crossed(row, terms, changes, true);
  if (rows.length === 0) return [];
  changedIn(tx, row.tenantId);
  const inserted = await tx.insert(usageAlerts).values(rows).onConflictDoNothing().returning();
  inserted.sort((a, b) => a.metric.localeCompare(b.metric) || a.threshold - b.threshold);
  for (const alert of inserted) await notify(tx, deps, row, terms, alert);
  return inserted;
}

/** The alert as the API and the outbound webhook show it. */
export function toApiAlert(a: AlertRow) {
  return {
    id: toPublicId('usageAlert', a.id),
    metric: a.metric,
    threshold: a.threshold,
    limit: a.limit,
    used: a.used,
    created_at: Math.floor(a.createdAt.getTime() / 1000),
  };
}

async function notify(tx: Tx, deps: UsageDeps, row: BillingRow, terms: Terms, alert: AlertRow) {
  const limit = terms.limits.get(alert.metric);
  const currency = limit?.currency || null;
  const sender = await alertOwners(
    tx,
    { config: deps.config, enqueue: (queue, data) => deps.jobs.sendInTx(tx, queue, data) },
    {
      tenantId: row.tenantId,
      template: 'usage_threshold',
      data: {
        metric: alert.metric,
        threshold: alert.threshold,
        limit: alert.limit,
        used: alert.used,
        currency,
        planName: terms.plan.name,
        resetsAt: row.periodEnd,
      },
      dedupKey: `usage_threshold:${alert.id}`,
    },
  );
  await emitOutbound(tx, deps.jobs, {
    tenantId: row.tenantId,
    type: 'tenant.usage.threshold_reached',
    data: {
      object: 'usage_alert',
      ...toApiAlert(alert),
      tenant: toPublicId('tenant', row.tenantId),
      currency,
      enforcement: limit?.enforcement ?? null,
      limits_version: alert.limitsVersion,
      period: {
        start: Math.floor(alert.periodStart.getTime() / 1000),
        end: Math.floor(row.periodEnd.getTime() / 1000),
      },
      plan: { lookup_key: terms.plan.lookupKey, name: terms.plan.name },
      ...notifyField(sender),
    },
  });
}

/**
 * After the tenant's limits changed (its `limits_version` bumped, in the caller's transaction): the
 * thresholds its usage this period already reached under the new limits are recorded as fired without a
 * notice; the others stay armed, to fire when usage reaches them.
 */
export async function rebaseAlerts(tx: Tx, tenantId: string): Promise<void> {
  const row = await billingOf(tx, tenantId);
  if (!row) return;
  const terms = await termsOf(tx, row);
  if (!terms || terms.limits.size === 0) return;
  const summaries = await tx
    .select({ metric: usageSummaries.metric, used: usageSummaries.used })
    .from(usageSummaries)
    .where(
      and(
        eq(usageSummaries.tenantId, tenantId),
        eq(usageSummaries.periodStart, row.periodStart),
        inArray(usageSummaries.metric, [...terms.limits.keys()]),
      ),
    );
  // from nothing to the usage now: every threshold at or below it is reached
  const changes = summaries.map((s) => ({
    metric: s.metric,
    periodStart: row.periodStart,
    before: Number.NEGATIVE_INFINITY,
    after: s.used,
  }));
  const rows = crossed(row, terms, changes, false);
  if (rows.length === 0) return;
  changedIn(tx, row.tenantId);
  await tx.insert(usageAlerts).values(rows).onConflictDoNothing();
}
