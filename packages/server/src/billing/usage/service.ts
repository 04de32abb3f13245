import { sql } from 'drizzle-orm';
import type { Ctx } from '../../context.ts';
import { collectAfterCommit, runAfterCommit } from '../../db/after-commit.ts';
import { tenantRowExists } from '../../db/tenant.ts';
import { ApiError, type ErrorCode } from '../../http/errors.ts';
import { fromPublicId } from '../../http/ids.ts';
import type { Jobs } from '../../jobs/define.ts';
import { callerId, requirePlatformScope } from '../../scope/actor.ts';
import { inTenant, type TenantScope } from '../../scope/tenant.ts';
import {
  isBuiltInMetric,
  MAX_EVENT_AGE_SECONDS,
  MAX_EVENT_AHEAD_SECONDS,
  type UsageEvent,
  type UsageOutcome,
} from './metrics.ts';
import { recordUsageInTx } from './record.ts';

// Usage the platform's app reports (platform keys holding `usage:write` only): one event, or a batch of up
// to 1,000 over any tenants, each counted once by its id.

export interface ReportedEvent {
  metric: string;
  quantity: number;
  /** unix seconds */
  timestamp: number;
  id: string;
}

/** Why a reported event cannot be taken (a stable code), or null. */
function refusal(
  e: ReportedEvent,
  nowSeconds: number,
): { code: ErrorCode; message: string; param: string } | null {
  if (isBuiltInMetric(e.metric))
    return {
      code: 'usage_metric_reserved',
      message: `'${e.metric}' is measured by Tributary and cannot be reported.`,
      param: 'metric',
    };
  if (e.timestamp < nowSeconds - MAX_EVENT_AGE_SECONDS)
    return {
      code: 'usage_timestamp_too_old',
      message: 'The timestamp is more than 35 days in the past.',
      param: 'timestamp',
    };
  if (e.timestamp > nowSeconds + MAX_EVENT_AHEAD_SECONDS)
    return {
      code: 'usage_timestamp_in_future',
      message: 'The timestamp is more than 5 minutes in the future.',
      param: 'timestamp',
    };
  return null;
}

const toEvent = (e: ReportedEvent): UsageEvent => ({
  id: e.id,
  metric: e.metric,
  quantity: e.quantity,
  occurredAt: new Date(e.timestamp * 1000),
  source: 'api',
});

/** One usage event for the scope's tenant. */
export async function reportUsage(
  scope: TenantScope,
  jobs: Jobs,
  input: ReportedEvent,
): Promise<{ outcome: UsageOutcome }> {
  requirePlatformScope(scope.actor, 'usage:write');
  const refused = refusal(input, Math.floor(Date.now() / 1000));
  if (refused) throw new ApiError(refused.code, refused.message, { param: refused.param });
  const [outcome] = await inTenant(scope, 'usage:write', (tx) =>
    recordUsageInTx(tx, { config: scope.config, jobs }, scope.tenantId, [toEvent(input)]),
  );
  return { outcome: outcome! };
}

export interface BatchEvent extends ReportedEvent {
  /** the tenant's public id */
  tenant: string;
}

export type BatchResult =
  | { id: string; tenant: string; status: UsageOutcome }
  | {
      id: string;
      tenant: string;
      status: 'error';
      error: { code: ErrorCode; message: string; param: string };
    };

/**
 * A batch over any tenants, in one transaction that takes each tenant's row-level security in turn (the
 * tenants in one order, so two batches never deadlock). An event refused (bad timestamp, a measured metric,
 * an unknown tenant) is answered in its result; the others count.
 */
export async function reportUsageBatch(ctx: Ctx, jobs: Jobs, events: BatchEvent[]): Promise<BatchResult[]> {
  requirePlatformScope(ctx.actor, 'usage:write');
  const now = Math.floor(Date.now() / 1000);
  const results: BatchResult[] = new Array(events.length);
  const byTenant = new Map<string, number[]>();
  events.forEach((e, i) => {
    const refused = refusal(e, now);
    const tenantId = fromPublicId('tenant', e.tenant);
    if (refused) results[i] = { id: e.id, tenant: e.tenant, status: 'error', error: refused };
    else if (!tenantId) results[i] = missingTenant(e);
    else {
      const list = byTenant.get(tenantId);
      if (list) list.push(i);
      else byTenant.set(tenantId, [i]);
    }
  });
  if (byTenant.size === 0) return results;
  const deps = { config: ctx.config, jobs };
  const caller = callerId(ctx.actor);
  const committed: (() => void)[] = [];
  await ctx.db.transaction(async (tx) => {
    collectAfterCommit(tx, committed);
    for (const tenantId of [...byTenant.keys()].sort()) {
      const indexes = byTenant.get(tenantId)!;
      await tx.execute(
        sql`select set_config('app.tenant_id', ${tenantId}, true), set_config('app.caller_id', ${caller}, true)`,
      );
      if (!(await tenantRowExists(tx, tenantId))) {
        for (const i of indexes) results[i] = missingTenant(events[i]!);
        continue;
      }
      const outcomes = await recordUsageInTx(
        tx,
        deps,
        tenantId,
        indexes.map((i) => toEvent(events[i]!)),
      );
      indexes.forEach((i, n) => {
        results[i] = { id: events[i]!.id, tenant: events[i]!.tenant, status: outcomes[n]! };
      });
    }
  });
  runAfterCommit(committed);
  return results;
}

function missingTenant(e: BatchEvent): BatchResult {
  return {
    id: e.id,
    tenant: e.tenant,
    status: 'error',
    error: { code: 'resource_missing', message: `No such tenant: '${e.tenant}'`, param: 'tenant' },
  };
}
