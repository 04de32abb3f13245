// The snapshot job's sweep (docs/analytics.md, "Snapshots"): every scope with a pending restate marker has
// its snapshots recomputed from the marker on, each in its own transaction (a tenant's in its own context).
import type { Db } from '../db/client.ts';
import { withSystem, withTenant } from '../db/tenant.ts';
import type { Logger } from '../logger.ts';
import type { Scope } from './repo.ts';
import { tenantsWithMarkers } from './snapshot-repo.ts';
import { type RefreshResult, refreshSnapshots } from './snapshots.ts';

export interface SweepResult {
  scopes: number;
  rows: number;
  /** scopes whose refresh failed (logged; their markers stay for the next sweep) */
  failed: number;
}

/** Refreshes every marked scope's snapshots (the platform's first); what it recomputed. */
export async function refreshMarkedSnapshots(deps: { db: Db; log: Logger }): Promise<SweepResult> {
  const result: SweepResult = { scopes: 0, rows: 0, failed: 0 };
  const count = (scope: Scope, r: RefreshResult) => {
    if (r.from === null && r.rows === 0 && !r.full) return;
    result.scopes++;
    result.rows += r.rows;
    deps.log.debug({ scope, from: r.from, full: r.full, rows: r.rows }, 'mrr snapshots refreshed');
  };
  // one scope failing (a tenant deleted meanwhile, a timeout) neither stops the others nor the next sweeps;
  // its marker stays, and a read of it refreshes it too
  const each = async (scope: Scope, run: () => Promise<RefreshResult>) => {
    try {
      count(scope, await run());
    } catch (err) {
      result.failed++;
      deps.log.error({ err, scope }, 'mrr snapshots: refreshing a scope failed');
    }
  };
  const platform: Scope = { kind: 'platform', tenantId: null };
  await each(platform, () =>
    withSystem(deps.db, 'analytics.snapshots', (tx) => refreshSnapshots(tx, platform)),
  );
  const tenants = await withSystem(deps.db, 'analytics.snapshots', (tx) => tenantsWithMarkers(tx));
  for (const tenantId of tenants) {
    const scope: Scope = { kind: 'tenant', tenantId };
    await each(scope, () => withTenant(deps.db, tenantId, (tx) => refreshSnapshots(tx, scope)));
  }
  return result;
}
