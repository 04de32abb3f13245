import type { Tx } from '../db/client.ts';
import { customerNames } from '../payments/service.ts';
import * as repo from './repo.ts';

/** Who pays each subscription and for which plan (one query each for the customers and the plans). */
export async function summariesOf(tx: Tx, rows: repo.SubscriptionRow[]): Promise<repo.SubscriptionSummary[]> {
  const ids = (pick: (r: repo.SubscriptionRow) => string | null) => [
    ...new Set(rows.flatMap((r) => pick(r) ?? [])),
  ];
  const customers = await customerNames(
    tx,
    ids((r) => r.customerId),
  );
  const people = new Map(customers.map((c) => [c.id, c]));
  const plans = new Map(
    (
      await repo.plansOf(
        tx,
        ids((r) => r.priceId),
      )
    ).map((p) => [p.id, p]),
  );
  return rows.map((row) => ({
    customer: (row.customerId && people.get(row.customerId)) || null,
    plan: (row.priceId && plans.get(row.priceId)) || null,
  }));
}
