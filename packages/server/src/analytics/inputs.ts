// The operator's analytics inputs (db/schema/analytics.ts): read and set only by the platform, each change
// audited in the platform's log, in the transaction that makes it.
import { and, asc, eq, gte, lte, sql } from 'drizzle-orm';
import type { Ctx } from '../context.ts';
import type { Tx } from '../db/client.ts';
import { analyticsInputs } from '../db/schema/index.ts';
import { withSystem } from '../db/tenant.ts';
import { requirePlatformScope } from '../scope/actor.ts';
import { insertAudit } from '../scope/audit.ts';
import { type MonthRange, monthRange, type ReportQuery } from './fee-report.ts';
import { monthOf, monthStart } from './months.ts';

export type InputsRow = typeof analyticsInputs.$inferSelect;

/** The figures an operator enters; a field left out stays as it was, null clears it. */
export interface InputsChange {
  month: string;
  currency: string;
  marketingSpend?: number | null;
  fixedCosts?: number | null;
  costOfRevenue?: number | null;
  cashBalance?: number | null;
}

const apiNames = {
  marketingSpend: 'marketing_spend',
  fixedCosts: 'fixed_costs',
  costOfRevenue: 'cost_of_revenue',
  cashBalance: 'cash_balance',
} as const;

const day = (month: string) => monthStart(month).toISOString().slice(0, 10);
/** The row's month as the API names it. */
export const inputsMonth = (row: InputsRow) => monthOf(new Date(`${row.month}T00:00:00Z`));

function operator<T>(ctx: Ctx, scope: 'analytics:read' | 'analytics:write', fn: (tx: Tx) => Promise<T>) {
  requirePlatformScope(ctx.actor, scope);
  return withSystem(ctx.db, 'operator.analytics', fn);
}

/** The months' inputs (every currency, or one), oldest first. */
export async function listInputs(ctx: Ctx, q: ReportQuery): Promise<MonthRange & { rows: InputsRow[] }> {
  requirePlatformScope(ctx.actor, 'analytics:read'); // before the range is looked at
  const range = monthRange(q, new Date());
  const rows = await operator(ctx, 'analytics:read', (tx) =>
    tx
      .select()
      .from(analyticsInputs)
      .where(
        and(
          gte(analyticsInputs.month, day(range.from)),
          lte(analyticsInputs.month, day(range.to)),
          range.currency ? eq(analyticsInputs.currency, range.currency) : undefined,
        ),
      )
      .orderBy(asc(analyticsInputs.month), asc(analyticsInputs.currency)),
  );
  return { ...range, rows };
}

/** Sets the month's figures in a currency (creating the month's row on first use). */
export function setInputs(ctx: Ctx, change: InputsChange): Promise<InputsRow> {
  return operator(ctx, 'analytics:write', async (tx) => {
    const fields = Object.fromEntries(
      Object.entries({
        marketingSpend: change.marketingSpend,
        fixedCosts: change.fixedCosts,
        costOfRevenue: change.costOfRevenue,
        cashBalance: change.cashBalance,
      }).filter(([, v]) => v !== undefined),
    );
    const [row] = await tx
      .insert(analyticsInputs)
      .values({ month: day(change.month), currency: change.currency, ...fields })
      .onConflictDoUpdate({
        target: [analyticsInputs.month, analyticsInputs.currency],
        set: { ...fields, updatedAt: sql`now()` },
      })
      .returning();
    await insertAudit(tx, ctx.actor, ctx.requestId, {
      tenantId: null,
      action: 'analytics.inputs_updated',
      data: {
        month: change.month,
        currency: change.currency,
        ...Object.fromEntries(
          Object.entries(fields).map(([k, v]) => [apiNames[k as keyof typeof apiNames], v]),
        ),
      },
    });
    return row!;
  });
}
