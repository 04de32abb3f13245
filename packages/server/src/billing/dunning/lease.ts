import { and, eq, gt, isNotNull, isNull, lte, or, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { dunningCases } from '../../db/schema/index.ts';
import { withTenant } from '../../db/tenant.ts';
import type { Logger } from '../../logger.ts';

// One run at a time per case. A run holds its case by a short lease that it renews while it runs, so a run
// whose worker died (killed, its process gone) lets go of the case within one lease, whatever its job's expiry.
// A run due while another holds the case asks the holder to run once more; the holder does before it lets go.

/** How long a run holds its case unless it renews it (it does every third of that while it runs). */
export const RUN_LEASE_SECONDS = 30;

export interface Lease {
  /** the lease's end as stored (to the millisecond): the holder's token */
  until: Date;
  /** taken by another run after it lapsed (the renewal could not reach the database in time) */
  lost: boolean;
}

export type Taken =
  | { kind: 'taken'; lease: Lease; release(): Promise<boolean> }
  | { kind: 'busy'; until: Date }
  /** `onlyIfLapsed`: the case is free and no run died holding it, so the run asked for was made */
  | { kind: 'served' };

interface LeaseDeps {
  db: Db;
  log: Logger;
}

const leaseEnd = (seconds: number) =>
  sql`date_trunc('milliseconds', now() + make_interval(secs => ${seconds}))`;

/**
 * Takes the case `caseId` for `seconds` (renewed until released), if free or its holder's lease lapsed.
 * `onlyIfLapsed`: only from a holder that died (its lease lapsed without being released); a case let go of
 * properly is `served`.
 */
export async function takeLease(
  deps: LeaseDeps,
  c: { id: string; tenantId: string },
  seconds: number,
  opts: { onlyIfLapsed?: boolean } = {},
): Promise<Taken> {
  const lapsed = and(isNotNull(dunningCases.runLeaseUntil), lte(dunningCases.runLeaseUntil, sql`now()`));
  const took = await withTenant(deps.db, c.tenantId, async (tx) => {
    const [taken] = await tx
      .update(dunningCases)
      .set({ runLeaseUntil: leaseEnd(seconds), rerunRequested: false })
      .where(
        and(
          eq(dunningCases.id, c.id),
          opts.onlyIfLapsed ? lapsed : or(isNull(dunningCases.runLeaseUntil), lapsed),
        ),
      )
      .returning({ until: dunningCases.runLeaseUntil });
    if (taken?.until) return { taken: taken.until };
    const [held] = await tx
      .select({
        until: dunningCases.runLeaseUntil,
        live: sql<boolean>`${dunningCases.runLeaseUntil} > now()`,
      })
      .from(dunningCases)
      .where(eq(dunningCases.id, c.id));
    return { held: held?.live && held.until ? held.until : null };
  });
  if (took.taken) return holding(deps, c, { until: took.taken, lost: false }, seconds);
  if (took.held) return { kind: 'busy', until: took.held };
  // let go of between the two statements: free now (taken by the caller's next try), or, when only a lapsed
  // lease was to be taken, released by its holder after the run asked of it
  return opts.onlyIfLapsed ? { kind: 'served' } : takeLease(deps, c, seconds, opts);
}

/** The lease renewed every third of its length until released. */
function holding(deps: LeaseDeps, c: { id: string; tenantId: string }, lease: Lease, seconds: number): Taken {
  let renewing: Promise<void> = Promise.resolve();
  const timer = setInterval(
    () => {
      renewing = renewing.then(async () => {
        if (lease.lost) return;
        try {
          const [row] = await withTenant(deps.db, c.tenantId, (tx) =>
            tx
              .update(dunningCases)
              .set({ runLeaseUntil: leaseEnd(seconds) })
              .where(and(eq(dunningCases.id, c.id), eq(dunningCases.runLeaseUntil, lease.until)))
              .returning({ until: dunningCases.runLeaseUntil }),
          );
          if (row?.until) lease.until = row.until;
          else lease.lost = true;
        } catch (err) {
          // tried again at the next tick; the lease may lapse meanwhile (then another run may take the case)
          deps.log.warn({ err, caseId: c.id }, 'dunning: renewing the run lease failed');
        }
      });
    },
    Math.max(200, (seconds * 1000) / 3),
  );
  timer.unref();
  return {
    kind: 'taken',
    lease,
    release: async () => {
      clearInterval(timer);
      await renewing;
      return letGo(deps, c, lease);
    },
  };
}

/** Asks the run holding the case to run once more; false when it let go meanwhile (take the case then). */
export function askHolderToRerun(deps: LeaseDeps, c: { id: string; tenantId: string }): Promise<boolean> {
  return withTenant(deps.db, c.tenantId, async (tx) => {
    const asked = await tx
      .update(dunningCases)
      .set({ rerunRequested: true })
      .where(and(eq(dunningCases.id, c.id), gt(dunningCases.runLeaseUntil, sql`now()`)))
      .returning({ id: dunningCases.id });
    return asked.length > 0;
  });
}

/** Lets the case go (the lease still ours); whether a run was asked for meanwhile. */
function letGo(deps: LeaseDeps, c: { id: string; tenantId: string }, lease: Lease): Promise<boolean> {
  if (lease.lost) return Promise.resolve(false);
  return withTenant(deps.db, c.tenantId, async (tx) => {
    // the row lock orders this against askHolderToRerun: it either is seen here, or finds the case free
    const [row] = await tx
      .select({ rerun: dunningCases.rerunRequested, until: dunningCases.runLeaseUntil })
      .from(dunningCases)
      .where(eq(dunningCases.id, c.id))
      .for('update');
    if (!row || row.until?.getTime() !== lease.until.getTime()) return false;
    await tx
      .update(dunningCases)
      .set({ runLeaseUntil: null, rerunRequested: false })
      .where(eq(dunningCases.id, c.id));
    return row.rerun;
  });
}
