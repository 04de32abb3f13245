import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { SubscriptionEvent } from '../../src/analytics/service.ts';
import type { Ctx } from '../../src/context.ts';
import { queryRows } from '../../src/db/client.ts';
import { withSystem, withTenant } from '../../src/db/tenant.ts';
import { createLogger } from '../../src/logger.ts';
import * as tenants from '../../src/tenants/service.ts';
import { testConfig } from '../helpers/app.ts';
import { testDatabase } from '../helpers/db.ts';

// Subscriptions as Stripe's events carry them, and the stored history, for the capture's database tests.

export const DAY = 86_400;
export const T0 = Date.UTC(2026, 0, 1) / 1000;

export async function systemCtx(): Promise<Ctx> {
  const database = await testDatabase();
  return {
    db: database.db,
    config: testConfig(),
    actor: { kind: 'system', label: 'test' },
    requestId: 'req_capture',
    log: createLogger('silent'),
  };
}

export async function newTenant(ctx: Ctx, name = 'Capture'): Promise<string> {
  return (await tenants.createTenant(ctx, { name: `${name} ${randomUUID().slice(0, 6)}` })).id;
}

export interface Copy {
  id: string;
  object: 'subscription';
  status: string;
  currency: string;
  customer: string;
  items: { data: { price: object; quantity: number }[] };
  discounts: unknown[];
  ended_at: number | null;
  cancellation_details: { reason: string | null };
}

export const monthly = (amount: number, currency = 'usd') => ({
  id: `price_${amount}`,
  product: 'prod_x',
  unit_amount: amount,
  currency,
  billing_scheme: 'per_unit',
  recurring: { interval: 'month', interval_count: 1, usage_type: 'licensed' },
});

export function copy(id: string, customer: string, amount: number, more: Partial<Copy> = {}): Copy {
  return {
    id,
    object: 'subscription',
    status: 'active',
    currency: 'usd',
    customer,
    items: { data: [{ price: monthly(amount, more.currency), quantity: 1 }] },
    discounts: [],
    ended_at: null,
    cancellation_details: { reason: null },
    ...more,
  };
}

/** An event about `c` made at `created` (seconds); `current`: what a refetch read after it. */
export const event = (c: Copy, created: number, current: Copy | null = c): SubscriptionEvent => ({
  object: c,
  refetched: current,
  created,
  eventId: `evt_${randomUUID().replaceAll('-', '').slice(0, 20)}`,
});

export interface Row {
  subscription: string;
  customer: string;
  currency: string;
  mrr: number;
  at: number;
  churn: string | null;
}

const toRow = (r: Record<string, unknown>): Row => ({
  subscription: String(r.subscription),
  customer: String(r.customer),
  currency: String(r.currency),
  mrr: Number(r.mrr),
  at: new Date(r.at as string).getTime() / 1000,
  churn: (r.churn_kind as string | null) ?? null,
});

const columns = sql`stripe_subscription_id as subscription, stripe_customer_id as customer, currency, mrr, at, churn_kind`;

export async function tenantRows(ctx: Ctx, tenantId: string): Promise<Row[]> {
  const rows = await withTenant(ctx.db, tenantId, (tx) =>
    queryRows<Record<string, unknown>>(
      tx,
      sql`select ${columns} from mrr_changes order by at, stripe_subscription_id, currency`,
    ),
  );
  return rows.map(toRow);
}

export async function platformRows(ctx: Ctx, customer: string): Promise<Row[]> {
  const rows = await withSystem(ctx.db, 'operator.analytics', (tx) =>
    queryRows<Record<string, unknown>>(
      tx,
      sql`select ${columns} from platform_mrr_changes where stripe_customer_id = ${customer}
          order by at, stripe_subscription_id, currency`,
    ),
  );
  return rows.map(toRow);
}

export async function tenantRestateFrom(ctx: Ctx, tenantId: string): Promise<number | null> {
  const [row] = await withTenant(ctx.db, tenantId, (tx) =>
    queryRows<{ at: string }>(tx, sql`select restate_from as at from analytics_restate_from`),
  );
  return row ? new Date(row.at).getTime() / 1000 : null;
}

export async function clearRestate(ctx: Ctx, tenantId: string): Promise<void> {
  await withTenant(ctx.db, tenantId, (tx) => tx.execute(sql`delete from analytics_restate_from`));
}

/** Every order of `items` (n! of them; keep n small). */
export function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [items.slice()];
  return items.flatMap((x, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [x, ...rest]),
  );
}
