import type { Tx } from '../../db/client.ts';
import { rebaseAlerts } from '../usage/alerts.ts';

/**
 * What runs, in the tenant's transaction, when the limits in force for a tenant change (a new plan, the same
 * plan in another currency, or its plan's limits edited): its threshold alerts are re-based against the new
 * limits. The caller has bumped `limits_version` in the same transaction.
 */
export async function limitsChanged(tx: Tx, tenantId: string): Promise<void> {
  await rebaseAlerts(tx, tenantId);
}
