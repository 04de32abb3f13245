import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { type Db, queryRows, type Tx } from '../../db/client.ts';
import { withTenant } from '../../db/tenant.ts';
import { ApiError } from '../../http/errors.ts';
import { billingOf } from '../core.ts';
import type { UsageDeps } from './metrics.ts';
import { recordUsageInTx } from './record.ts';
import { fitsLimit, termsOf } from './terms.ts';

// The built-in `seats` metric: the tenant's memberships, a gauge (the count now, not a sum). Recorded when a
// member joins or leaves; each record reads the count again, so a late or repeated one is still right.

/** The tenant's memberships now (an index lookup on the tenant). */
export async function seatCount(tx: Tx, tenantId: string): Promise<number> {
  const [row] = await queryRows<{ n: number }>(
    tx,
    sql`select count(*)::int as n from memberships where tenant_id = ${tenantId}`,
  );
  return row?.n ?? 0;
}

/**
 * Records the tenant's seat count, in the caller's tenant transaction (after the membership changed, or at
 * the start of a new billing period: `at`).
 */
export async function recordSeats(tx: Tx, deps: UsageDeps, tenantId: string, at = new Date()): Promise<void> {
  const quantity = await seatCount(tx, tenantId);
  await recordUsageInTx(tx, deps, tenantId, [
    { id: `seats:${randomUUID()}`, metric: 'seats', quantity, occurredAt: at, source: 'seats' },
  ]);
}

/** recordSeats in a transaction of its own (after a membership granted outside the tenant's). */
export function recordSeatsFor(db: Db, deps: UsageDeps, tenantId: string): Promise<void> {
  return withTenant(db, tenantId, (tx) => recordSeats(tx, deps, tenantId));
}

/**
 * Refuses a new member beyond the plan's hard `seats` limit (409 `plan_limit_reached`), in the transaction
 * that grants the membership, before it is written; a user who is already a member takes no new seat. The
 * tenant's billing row is locked first (`for update`) and the memberships counted after, so two joins at
 * once at one seat short of the limit are taken one after the other and the second sees the first's seat.
 */
export async function ensureSeatFor(tx: Tx, tenantId: string, userId: string): Promise<void> {
  const [member] = await queryRows<{ one: number }>(
    tx,
    sql`select 1 as one from memberships where tenant_id = ${tenantId} and user_id = ${userId}`,
  );
  if (member) return;
  // made on first use (the default plan): a concurrent first use waits on the insert, then both lock it
  const row = await billingOf(tx, tenantId);
  if (!row) return;
  await tx.execute(sql`select 1 from tenant_billing where tenant_id = ${tenantId} for update`);
  const terms = await termsOf(tx, row);
  const limit = terms?.limits.get('seats');
  if (!terms || !limit) return;
  const used = await seatCount(tx, tenantId);
  if (fitsLimit(limit, used, 1)) return;
  throw new ApiError(
    'plan_limit_reached',
    `This team has reached its limit of ${limit.limit} seat${limit.limit === 1 ? '' : 's'} on the ${terms.plan.name} plan: a new member cannot join until a member leaves or the plan is upgraded.`,
    { param: 'seats' },
  );
}
