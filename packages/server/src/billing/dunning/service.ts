// stand-in: replaced by the dunning engine at merge
import { and, eq, inArray } from 'drizzle-orm';
import type { Config } from '../../config.ts';
import type { Tx } from '../../db/client.ts';
import { tenantBilling } from '../../db/schema/index.ts';
import type { Jobs } from '../../jobs/define.ts';
import type { Stripe } from '../../stripe/client.ts';
import { changedIn } from '../entitlements-cache.ts';

/**
 * A paid plan invoice settles the tenant's dunning: its state back to `active` when it was past due, in
 * warning or suspended. Idempotent: true only for the call that moved the state.
 */
export async function settleRecovered(
  tx: Tx,
  _deps: { config: Config; jobs: Jobs },
  tenantId: string,
  invoice: Stripe.Invoice,
): Promise<boolean> {
  if (invoice.status !== 'paid') return false;
  const moved = await tx
    .update(tenantBilling)
    .set({ state: 'active' })
    .where(
      and(
        eq(tenantBilling.tenantId, tenantId),
        inArray(tenantBilling.state, ['past_due', 'warning', 'suspended']),
      ),
    )
    .returning({ tenantId: tenantBilling.tenantId });
  if (moved.length === 0) return false;
  changedIn(tx, tenantId);
  return true;
}
