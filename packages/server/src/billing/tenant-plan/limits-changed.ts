import type { Tx } from '../../db/client.ts';

/**
 * What runs, in the tenant's transaction, when the limits in force for a tenant change (a new plan, or the
 * same plan in another currency): the usage part re-bases the tenant's threshold alerts here
 * (`rebaseAlerts(tx, tenantId)`). The hooks are registered by whoever owns that work; none is by default.
 */
export type LimitsChangedHook = (tx: Tx, tenantId: string) => Promise<void>;

const hooks: LimitsChangedHook[] = [];

/** Registers a hook; returns the function that removes it. */
export function onLimitsChanged(hook: LimitsChangedHook): () => void {
  hooks.push(hook);
  return () => {
    const i = hooks.indexOf(hook);
    if (i >= 0) hooks.splice(i, 1);
  };
}

/** Runs every hook, in order, in `tx` (the caller has bumped `limits_version` in the same transaction). */
export async function limitsChanged(tx: Tx, tenantId: string): Promise<void> {
  for (const hook of hooks) await hook(tx, tenantId);
}
