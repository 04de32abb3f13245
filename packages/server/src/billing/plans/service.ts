import type { Ctx } from '../../context.ts';
import type { Tx } from '../../db/client.ts';
import { causeChain } from '../../db/errors.ts';
import { withSystem } from '../../db/tenant.ts';
import { ApiError } from '../../http/errors.ts';
import { parsePathId, toPublicId } from '../../http/ids.ts';
import type { Page, PageQuery } from '../../http/pagination.ts';
import { requirePlatformScope } from '../../scope/actor.ts';
import { insertAudit } from '../../scope/audit.ts';
import { inTenant, type TenantScope } from '../../scope/tenant.ts';
import { diffPlan, type PlanDiff } from './changes.ts';
import { rebaseSubscribers } from './rebase.ts';
import * as repo from './repo.ts';
import type { PlanCreateBody, PlanUpdateBody } from './schemas.ts';
import { archiveProduct, completeStripeObjects, type PlanDeps, renameProduct } from './stripe.ts';

// The operator's plans catalogue: plans, their prices (a new amount is a new price; subscribers keep the
// old one), limits, features and thresholds; the exchange rates payment volume is counted with.

const DEFAULT_THRESHOLDS = [80, 100];

/** A plan named by its public id (`plan_…`); an unknown or malformed one is a 404. */
export async function planByPublicId(tx: Tx, publicId: string): Promise<repo.PlanRow> {
  const row = await repo.getPlan(tx, parsePathId('plan', publicId));
  if (!row) throw ApiError.notFound('plan', publicId);
  return row;
}

function operator<T>(ctx: Ctx, scope: 'billing:read' | 'billing:write', fn: (tx: Tx) => Promise<T>) {
  requirePlatformScope(ctx.actor, scope);
  return withSystem(ctx.db, 'operator.billing', fn).catch((err: unknown) => {
    throw conflictOf(err) ?? err;
  });
}

/**
 * Two saves at once can both pass the checks below; the unique indexes keep one: the other is answered
 * as the check would have answered it, never a 500.
 */
function conflictOf(err: unknown): ApiError | null {
  const unique = causeChain(err).find(
    (e): e is { code: string; constraint?: string; message?: string } =>
      typeof e === 'object' && e !== null && (e as { code?: unknown }).code === '23505',
  );
  if (!unique) return null;
  const what = `${unique.constraint ?? ''} ${unique.message ?? ''}`;
  if (what.includes('plans_default_key'))
    return new ApiError('resource_exists', 'Another plan is the default already (at most one default).', {
      param: 'is_default',
    });
  if (what.includes('plans_lookup_key'))
    return new ApiError('resource_exists', 'A plan with this lookup_key exists already.', {
      param: 'lookup_key',
    });
  return null;
}

function audit(ctx: Ctx, tx: Tx, action: string, planId: string | null, data: Record<string, unknown>) {
  return insertAudit(tx, ctx.actor, ctx.requestId, {
    tenantId: null,
    action,
    target: planId ? { kind: 'plan', id: planId } : null,
    data,
  });
}

/** The default plan is free, not archived, and the only one. */
async function checkDefault(tx: Tx, plan: { id: string | null; archived: boolean }, free: boolean) {
  if (!free)
    throw new ApiError('parameter_invalid', 'The default plan must be free (no price above zero).', {
      param: 'is_default',
    });
  if (plan.archived)
    throw new ApiError('parameter_invalid', 'An archived plan cannot be the default.', {
      param: 'is_default',
    });
  const other = await repo.defaultPlan(tx);
  if (other && other.id !== plan.id)
    throw new ApiError(
      'resource_exists',
      `${toPublicId('plan', other.id)} is the default plan already: unset it first (at most one default).`,
      { param: 'is_default' },
    );
}

async function checkLookupKey(tx: Tx, lookupKey: string, except?: string) {
  if (await repo.lookupKeyTaken(tx, lookupKey, except))
    throw new ApiError('resource_exists', `A plan with lookup_key '${lookupKey}' exists already.`, {
      param: 'lookup_key',
    });
}

/** Saves a diff's rows (Stripe ids come after, from completeStripeObjects). */
async function applyDiff(tx: Tx, planId: string, diff: PlanDiff, now: Date): Promise<void> {
  for (const old of diff.supersede) await repo.supersedePrice(tx, old.id, now);
  for (const p of diff.addPrices) await repo.insertPrice(tx, { planId, ...p });
  if (diff.limits)
    await repo.replaceLimits(
      tx,
      planId,
      diff.limits.map((l) => ({ planId, ...l })),
    );
  for (const o of diff.dropOverage) await repo.deactivateOverage(tx, o.id);
  for (const o of diff.addOverage) await repo.insertOverage(tx, { planId, ...o });
}

const emptyFull = (plan: repo.PlanRow): repo.PlanFull => ({ plan, prices: [], limits: [], overage: [] });

export async function createPlan(ctx: Ctx, deps: PlanDeps, body: PlanCreateBody): Promise<repo.PlanFull> {
  const plan = await operator(ctx, 'billing:write', async (tx) => {
    await checkLookupKey(tx, body.lookup_key);
    const row = await repo.insertPlan(tx, {
      name: body.name,
      lookupKey: body.lookup_key,
      description: body.description ?? null,
      trialDays: body.trial_days ?? 0,
      features: body.features ?? {},
      thresholds: body.thresholds ?? DEFAULT_THRESHOLDS,
      public: body.public ?? true,
    });
    const diff = diffPlan(emptyFull(row), { prices: body.prices ?? [], limits: body.limits ?? [] });
    if (body.is_default) {
      await checkDefault(tx, { id: row.id, archived: false }, diff.free);
      await repo.updatePlan(tx, row.id, { isDefault: true });
    }
    await applyDiff(tx, row.id, diff, new Date());
    await audit(ctx, tx, 'plan.created', row.id, { name: row.name, lookup_key: row.lookupKey });
    return row;
  });
  try {
    await completeStripeObjects(ctx, deps, plan.id);
  } catch (err) {
    // a plan is made whole or not at all: its product (if made) archived on Stripe, its rows forgotten
    const made = await withSystem(ctx.db, 'operator.billing', (tx) => repo.getPlan(tx, plan.id));
    if (made)
      await archiveProduct(deps, made).catch((e: unknown) =>
        ctx.log.warn({ err: e, plan: plan.id }, 'plan product left active after its prices failed'),
      );
    await withSystem(ctx.db, 'operator.billing', (tx) => repo.deletePlan(tx, plan.id));
    throw err;
  }
  return (await operator(ctx, 'billing:read', (tx) => repo.fullPlan(tx, plan.id)))!;
}

export async function updatePlan(
  ctx: Ctx,
  deps: PlanDeps,
  publicId: string,
  body: PlanUpdateBody,
): Promise<repo.PlanFull> {
  const { planId, limitsChanged } = await operator(ctx, 'billing:write', async (tx) => {
    const row = await planByPublicId(tx, publicId);
    await repo.getPlanForUpdate(tx, row.id);
    const full = (await repo.fullPlan(tx, row.id))!;
    const diff = diffPlan(full, body);
    if (body.lookup_key !== undefined) await checkLookupKey(tx, body.lookup_key, row.id);
    const isDefault = body.is_default ?? row.isDefault;
    if (isDefault) await checkDefault(tx, { id: row.id, archived: row.archivedAt !== null }, diff.free);
    const now = new Date();
    await applyDiff(tx, row.id, diff, now);
    await repo.updatePlan(tx, row.id, {
      ...(body.name !== undefined ? { name: body.name } : {}),
      ...(body.lookup_key !== undefined ? { lookupKey: body.lookup_key } : {}),
      ...(body.description !== undefined ? { description: body.description } : {}),
      ...(body.trial_days !== undefined ? { trialDays: body.trial_days } : {}),
      ...(body.features !== undefined ? { features: body.features } : {}),
      ...(body.thresholds !== undefined ? { thresholds: body.thresholds } : {}),
      ...(body.public !== undefined ? { public: body.public } : {}),
      isDefault,
      ...(diff.limitsChanged ? { limitsVersion: row.limitsVersion + 1 } : {}),
    });
    await audit(ctx, tx, 'plan.updated', row.id, {
      fields: Object.keys(body).sort(),
      prices: diff.prices
        .filter((p) => p.change !== 'unchanged')
        .map((p) => ({
          currency: p.currency,
          interval: p.interval,
          change: p.change,
          from: p.old?.unitAmount ?? null,
          to: p.newAmount,
        })),
      ...(diff.limitsChanged ? { limits_version: row.limitsVersion + 1 } : {}),
    });
    return { planId: row.id, limitsChanged: diff.limitsChanged };
  });
  if (limitsChanged) await rebaseSubscribers(ctx, planId);
  // a Stripe failure leaves the rows saved and their objects missing: the next save makes them
  await completeStripeObjects(ctx, deps, planId);
  const full = (await operator(ctx, 'billing:read', (tx) => repo.fullPlan(tx, planId)))!;
  if (body.name !== undefined || body.description !== undefined) await renameProduct(deps, full.plan);
  return full;
}

export async function archivePlan(ctx: Ctx, deps: PlanDeps, publicId: string): Promise<repo.PlanFull> {
  const { plan, changed } = await operator(ctx, 'billing:write', async (tx) => {
    const row = await planByPublicId(tx, publicId);
    if (row.archivedAt) return { plan: row, changed: false };
    if (row.isDefault)
      throw new ApiError(
        'parameter_invalid',
        'The default plan cannot be archived: make another the default first.',
        {
          param: 'plan',
        },
      );
    const plan = await repo.updatePlan(tx, row.id, { archivedAt: new Date(), public: false });
    await audit(ctx, tx, 'plan.archived', row.id, { name: row.name });
    return { plan, changed: true };
  });
  if (changed) await archiveProduct(deps, plan);
  return (await operator(ctx, 'billing:read', (tx) => repo.fullPlan(tx, plan.id)))!;
}

export function getPlan(ctx: Ctx, publicId: string): Promise<repo.PlanFull> {
  return operator(ctx, 'billing:read', async (tx) => {
    const row = await planByPublicId(tx, publicId);
    return (await repo.fullPlan(tx, row.id))!;
  });
}

export function listPlans(ctx: Ctx, q: { archived?: boolean } & PageQuery): Promise<Page<repo.PlanFull>> {
  return operator(ctx, 'billing:read', async (tx) => {
    const page = await repo.listPlans(tx, q);
    return { data: await repo.fullPlans(tx, page.data), hasMore: page.hasMore };
  });
}

/** What a tenant may choose: the public plans not archived, with their current prices. */
export function plansForTenant(scope: TenantScope, q: PageQuery): Promise<Page<repo.PlanFull>> {
  return inTenant(scope, 'billing:read', async (tx) => {
    const page = await repo.listPlans(tx, { ...q, archived: false, publicOnly: true });
    return { data: await repo.fullPlans(tx, page.data), hasMore: page.hasMore };
  });
}

export function listRates(ctx: Ctx): Promise<repo.RateRow[]> {
  return operator(ctx, 'billing:read', (tx) => repo.listRates(tx));
}

/** Replaces the operator's exchange rates with `rates` (a currency with no rate is excluded from counts). */
export function setRates(
  ctx: Ctx,
  rates: { from: string; to: string; rate: string }[],
): Promise<repo.RateRow[]> {
  return operator(ctx, 'billing:write', async (tx) => {
    await repo.replaceRates(tx, rates);
    await audit(ctx, tx, 'currency_rates.updated', null, {
      rates: rates.map((r) => `${r.from}/${r.to}=${r.rate}`),
    });
    return repo.listRates(tx);
  });
}
