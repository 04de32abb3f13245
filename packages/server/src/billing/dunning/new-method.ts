import { and, desc, eq, gte } from 'drizzle-orm';
import { dunningAttempts, dunningCases } from '../../db/schema/index.ts';
import { withTenant } from '../../db/tenant.ts';
import { type DunningCaseRow, openCaseOf } from './cases.ts';
import { EXTRA_ATTEMPT_FROM, type RunDeps, runDue } from './run.ts';

// A payment method saved during dunning, tried at once by the request that confirms it (the recovery page or
// the dashboard, back from Stripe's page): the attempt is made in the request, once per case and method, and
// its outcome read from its attempt rows, so asking again answers the same without another call.

export type NewMethodOutcome =
  /** no open case: nothing was owed */
  | { kind: 'none' }
  /** the case is recovered: every invoice it owed is paid */
  | { kind: 'paid' }
  | { kind: 'declined'; declineCode: string | null }
  /** not decided yet: a bank debit clearing, Stripe not answering, or another run holding the case */
  | { kind: 'processing' };

/** How long the request waits for a run holding the case (the webhook's follow-up, say) to let go. */
const BUSY_WAIT_MS = 5_000;
const BUSY_POLL_MS = 250;

function outcomeOf(
  c: Pick<DunningCaseRow, 'phase' | 'outcome'>,
  row: { status: string; declineCode: string | null } | undefined,
): NewMethodOutcome {
  if (row?.status === 'failed') return { kind: 'declined', declineCode: row.declineCode };
  if (c.phase === 'closed')
    return c.outcome === 'recovered' || row?.status === 'succeeded' ? { kind: 'paid' } : { kind: 'none' };
  return { kind: 'processing' };
}

/** What the method's attempt on the case came to (its latest row), and the case as it is now. */
function readOutcome(deps: RunDeps, tenantId: string, caseId: string, method: string) {
  return withTenant(deps.db, tenantId, async (tx) => {
    const [c] = await tx.select().from(dunningCases).where(eq(dunningCases.id, caseId));
    const [row] = await tx
      .select()
      .from(dunningAttempts)
      .where(
        and(
          eq(dunningAttempts.caseId, caseId),
          eq(dunningAttempts.paymentMethod, method),
          gte(dunningAttempts.number, EXTRA_ATTEMPT_FROM),
        ),
      )
      .orderBy(desc(dunningAttempts.createdAt), desc(dunningAttempts.retry))
      .limit(1);
    return c ? outcomeOf(c, row) : ({ kind: 'none' } as const);
  });
}

/** The latest case the method was tried on outside the schedule (the case closed since: asked again). */
function triedCase(deps: RunDeps, tenantId: string, method: string) {
  return withTenant(deps.db, tenantId, async (tx) => {
    const [row] = await tx
      .select({ caseId: dunningAttempts.caseId })
      .from(dunningAttempts)
      .where(
        and(
          eq(dunningAttempts.tenantId, tenantId),
          eq(dunningAttempts.paymentMethod, method),
          gte(dunningAttempts.number, EXTRA_ATTEMPT_FROM),
        ),
      )
      .orderBy(desc(dunningAttempts.createdAt))
      .limit(1);
    return row?.caseId ?? null;
  });
}

/**
 * The attempt with `method`, saved during dunning, on the tenant's open case: made now (every invoice the
 * case owes, oldest first, with that method only) unless it was made already, then its outcome. With no case
 * open, the outcome of the case it was tried on before, if any.
 */
export async function attemptWithNewMethod(
  deps: RunDeps,
  tenantId: string,
  method: string,
): Promise<NewMethodOutcome> {
  const open = await withTenant(deps.db, tenantId, (tx) => openCaseOf(tx, tenantId));
  if (!open) {
    const tried = await triedCase(deps, tenantId, method);
    return tried ? readOutcome(deps, tenantId, tried, method) : { kind: 'none' };
  }
  const until = Date.now() + BUSY_WAIT_MS;
  for (;;) {
    const run = await runDue(deps, tenantId, { now: true, method });
    if (run.ran || Date.now() >= until) break;
    await new Promise((r) => setTimeout(r, BUSY_POLL_MS));
  }
  return readOutcome(deps, tenantId, open.id, method);
}
