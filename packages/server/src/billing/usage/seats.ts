import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { type Db, queryRows, type Tx } from '../../db/client.ts';
import { withTenant } from '../../db/tenant.ts';
import type { UsageDeps } from './metrics.ts';
import { recordUsageInTx } from './record.ts';

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

/** Records the tenant's seat count, in the caller's tenant transaction (after the membership changed). */
export async function recordSeats(tx: Tx, deps: UsageDeps, tenantId: string): Promise<void> {
  const quantity = await seatCount(tx, tenantId);
  await recordUsageInTx(tx, deps, tenantId, [
    { id: `seats:${randomUUID()}`, metric: 'seats', quantity, occurredAt: new Date(), source: 'seats' },
  ]);
}

/** recordSeats in a transaction of its own (after a membership granted outside the tenant's). */
export function recordSeatsFor(db: Db, deps: UsageDeps, tenantId: string): Promise<void> {
  return withTenant(db, tenantId, (tx) => recordSeats(tx, deps, tenantId));
}
