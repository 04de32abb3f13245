import { and, eq, sql } from 'drizzle-orm';
import type { Tx } from '../../db/client.ts';
import { usageAlerts } from '../../db/schema/index.ts';
import { ApiError } from '../../http/errors.ts';
import { fromPublicId, toPublicId } from '../../http/ids.ts';
import { type Page, type PageQuery, paginate } from '../../http/pagination.ts';
import { inTenant, type TenantScope } from '../../scope/tenant.ts';
import { billingOf } from '../core.ts';
import { changedIn } from '../entitlements-cache.ts';
import type { AlertRow } from './alerts.ts';
import { termsOf } from './terms.ts';

// The dashboard's notices (docs/platform-billing.md, "Notices"): the threshold alerts that notified (a re-based
// one, recorded without a notice, is none), listed newest first and dismissed one by one. A dismissal hides
// the notice; the alert itself, its e-mail and its webhook are history and stay.

const seconds = (d: Date | null) => (d ? Math.floor(d.getTime() / 1000) : null);

/** The notice as the API shows it; `currency` is the metric's limit's (money metrics), else null. */
export function toApiNotice(a: AlertRow, currencies: ReadonlyMap<string, string>) {
  return {
    object: 'usage_alert' as const,
    id: toPublicId('usageAlert', a.id),
    metric: a.metric,
    threshold: a.threshold,
    limit: a.limit,
    used: a.used,
    currency: currencies.get(a.metric) || null,
    period_start: seconds(a.periodStart)!,
    limits_version: a.limitsVersion,
    created_at: seconds(a.createdAt)!,
    dismissed_at: seconds(a.dismissedAt),
  };
}

export type ApiNotice = ReturnType<typeof toApiNotice>;

/** metric → the currency of its limit now (empty for a metric that is not money). */
async function currenciesOf(tx: Tx, tenantId: string): Promise<Map<string, string>> {
  const row = await billingOf(tx, tenantId);
  const terms = row && (await termsOf(tx, row));
  return new Map([...(terms?.limits.values() ?? [])].map((l) => [l.metric, l.currency]));
}

const notified = (tenantId: string) =>
  and(eq(usageAlerts.tenantId, tenantId), eq(usageAlerts.notified, true));

/** The tenant's notices, newest first (every period: each says its `period_start`). */
export function listNotices(
  scope: TenantScope,
  query: PageQuery,
): Promise<Page<AlertRow> & { currencies: Map<string, string> }> {
  return inTenant(scope, 'billing:read', async (tx) => {
    const page = await paginate<AlertRow>(
      tx,
      { table: usageAlerts, id: usageAlerts.id, created: usageAlerts.createdAt },
      notified(scope.tenantId),
      query,
    );
    return { ...page, currencies: await currenciesOf(tx, scope.tenantId) };
  });
}

/**
 * Dismisses a notice (idempotent: a dismissed one is answered as it is, and audited once). A malformed id,
 * another tenant's, or an alert that never notified is the same 404.
 */
export function dismissNotice(scope: TenantScope, alert: string): Promise<ApiNotice> {
  const id = fromPublicId('usageAlert', alert);
  if (!id) throw ApiError.notFound('usageAlert', alert, 'alert_id');
  return inTenant(scope, 'billing:write', async (tx) => {
    changedIn(tx, scope.tenantId);
    const [changed] = await tx
      .update(usageAlerts)
      .set({ dismissedAt: sql`now()` })
      .where(and(eq(usageAlerts.id, id), notified(scope.tenantId), sql`${usageAlerts.dismissedAt} is null`))
      .returning();
    const row =
      changed ??
      (
        await tx
          .select()
          .from(usageAlerts)
          .where(and(eq(usageAlerts.id, id), notified(scope.tenantId)))
      )[0];
    if (!row) throw ApiError.notFound('usageAlert', alert, 'alert_id');
    if (changed)
      await scope.audit(tx, {
        action: 'billing.alert_dismissed',
        target: { kind: 'usageAlert', id: row.id },
        data: { metric: row.metric, threshold: row.threshold, limits_version: row.limitsVersion },
      });
    return toApiNotice(row, await currenciesOf(tx, scope.tenantId));
  });
}
