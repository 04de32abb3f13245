import { and, count, desc, eq, gte, like, lte, or, type SQL } from 'drizzle-orm';
import type { Ctx } from '../context.ts';
import type { Tx } from '../db/client.ts';
import { type StripeEventStatus, stripeEventAttempts, stripeEvents } from '../db/schema/index.ts';
import { withSystem } from '../db/tenant.ts';
import { ApiError } from '../http/errors.ts';
import { type Page, paginate } from '../http/pagination.ts';
import type { Jobs } from '../jobs/boss.ts';
import { requirePlatformScope } from '../scope/actor.ts';
import { inTenant, type TenantScope } from '../scope/tenant.ts';
import { enqueueReplay, enqueueReplays } from './process.ts';

export type StripeEventRow = typeof stripeEvents.$inferSelect;
export type StripeEventAttemptRow = typeof stripeEventAttempts.$inferSelect;
/** One event with its processing attempts, oldest first (the detail routes). */
export type StripeEventDetail = StripeEventRow & { attemptHistory: StripeEventAttemptRow[] };

/** The event's attempts, oldest first; the 100 most recent are plenty (the retry limit is far lower). */
async function attemptsOf(tx: Tx, id: string): Promise<StripeEventAttemptRow[]> {
  const rows = await tx
    .select()
    .from(stripeEventAttempts)
    .where(eq(stripeEventAttempts.eventId, id))
    .orderBy(desc(stripeEventAttempts.startedAt), desc(stripeEventAttempts.attempt))
    .limit(100);
  return rows.reverse(); // the 100 most recent, oldest first
}

export interface EventFilter {
  type?: string;
  status?: StripeEventStatus;
  tenantId?: string;
  since?: Date;
  until?: Date;
}

/** A Stripe event id as a path gives it; anything else names no event (a 404). */
export function stripeEventId(id: string): string {
  // snapshot ids are evt_ + alphanumerics; thin (v2) ids carry more underscores (evt_test_65…)
  if (!/^evt_[A-Za-z0-9_]{1,250}$/.test(id)) throw ApiError.notFound('event', id);
  return id;
}

/** `type` matches a thin notification's `v1.` type too. */
function typeIs(type: string): SQL {
  const types = type.startsWith('v1.') ? [type] : [type, `v1.${type}`];
  if (!type.endsWith('*')) return or(...types.map((t) => eq(stripeEvents.type, t)))!;
  return or(...types.map((t) => like(stripeEvents.type, `${t.slice(0, -1).replace(/[%_\\]/g, '\\$&')}%`)))!;
}

/** `type` may end in `*` (`payment_intent.*`). */
export function eventWhere(f: EventFilter): SQL | undefined {
  return and(
    f.type ? typeIs(f.type) : undefined,
    f.status ? eq(stripeEvents.status, f.status) : undefined,
    f.tenantId ? eq(stripeEvents.tenantId, f.tenantId) : undefined,
    f.since ? gte(stripeEvents.receivedAt, f.since) : undefined,
    f.until ? lte(stripeEvents.receivedAt, f.until) : undefined,
  );
}

type ListQ = { limit: number; startingAfter?: string | null; endingBefore?: string | null };
const keyset = { table: stripeEvents, id: stripeEvents.id, created: stripeEvents.receivedAt };

function listIn(tx: Tx, f: EventFilter, q: ListQ): Promise<Page<StripeEventRow>> {
  return paginate<StripeEventRow>(tx, keyset, eventWhere(f), q);
}

/** The operator's event list across tenants (the dashboard's Events page). */
export function listEvents(ctx: Ctx, f: EventFilter, q: ListQ) {
  requirePlatformScope(ctx.actor, 'events:read');
  return withSystem(ctx.db, 'webhooks.operator_events', (tx) => listIn(tx, f, q));
}

/** A tenant's own events (routed to it by `account`, or for a platform event by its Stripe ids: route.ts). */
export function listTenantEvents(scope: TenantScope, f: EventFilter, q: ListQ) {
  return inTenant(scope, 'events:read', (tx) => listIn(tx, { ...f, tenantId: undefined }, q));
}

/** One of the tenant's events with its payload; another tenant's event is invisible (RLS) and so a 404. */
export async function getTenantEvent(scope: TenantScope, eventId: string): Promise<StripeEventDetail> {
  const id = stripeEventId(eventId);
  const row = await inTenant(scope, 'events:read', async (tx) => {
    const [event] = await tx
      .select()
      .from(stripeEvents)
      .where(and(eq(stripeEvents.id, id), eq(stripeEvents.tenantId, scope.tenantId)));
    return event ? { ...event, attemptHistory: await attemptsOf(tx, id) } : null;
  });
  if (!row) throw ApiError.notFound('event', id);
  return row;
}

export async function getEvent(ctx: Ctx, id: string): Promise<StripeEventDetail> {
  requirePlatformScope(ctx.actor, 'events:read');
  const row = await withSystem(ctx.db, 'webhooks.operator_events', async (tx) => {
    const [event] = await tx.select().from(stripeEvents).where(eq(stripeEvents.id, id));
    return event ? { ...event, attemptHistory: await attemptsOf(tx, id) } : null;
  });
  if (!row) throw ApiError.notFound('event', id);
  return row;
}

/** Counts by status (the overview's dead-letter count). */
export async function eventStats(ctx: Ctx): Promise<Record<StripeEventStatus, number>> {
  requirePlatformScope(ctx.actor, 'events:read');
  const rows = await withSystem(ctx.db, 'webhooks.operator_events', (tx) =>
    tx.select({ status: stripeEvents.status, n: count() }).from(stripeEvents).groupBy(stripeEvents.status),
  );
  const out = { pending: 0, processed: 0, failed: 0, dead: 0, ignored: 0 };
  for (const r of rows) out[r.status] = Number(r.n);
  return out;
}

/** Puts an event back to pending and enqueues its processing, in one transaction. */
export async function replayEvent(ctx: Ctx, jobs: Jobs, id: string): Promise<StripeEventRow> {
  requirePlatformScope(ctx.actor, 'events:write');
  const found = await withSystem(ctx.db, 'webhooks.operator_events', (tx) =>
    enqueueReplay(tx, jobs, ctx.config, id),
  );
  if (!found) throw ApiError.notFound('event', id);
  return getEvent(ctx, id);
}

/** `tributary replay`: every event matching the filter, in batches; returns how many were enqueued. */
export async function replayMatching(ctx: Ctx, jobs: Jobs, f: EventFilter): Promise<number> {
  requirePlatformScope(ctx.actor, 'events:write');
  let after: string | null = null;
  let total = 0;
  for (;;) {
    const page: Page<StripeEventRow> = await withSystem(ctx.db, 'webhooks.operator_events', (tx) =>
      listIn(tx, f, { limit: 100, startingAfter: after }),
    );
    // one job per page: the worker applies the page's events as one batch
    total += await withSystem(ctx.db, 'webhooks.operator_events', (tx) =>
      enqueueReplays(
        tx,
        jobs,
        ctx.config,
        page.data.map((row) => row.id),
      ),
    );
    if (!page.hasMore || page.data.length === 0) return total;
    after = page.data[page.data.length - 1]!.id;
  }
}
