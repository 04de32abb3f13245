import { inArray, sql } from 'drizzle-orm';
import { savepointOf } from '../db/after-commit.ts';
import type { Tx } from '../db/client.ts';
import { safeErrorMessage } from '../db/errors.ts';
import { stripeEventAttempts, stripeEvents } from '../db/schema/index.ts';
import { withSystem, withTenant } from '../db/tenant.ts';
import type { Stripe } from '../stripe/client.ts';
import { retrieveObject } from '../stripe/refetch.ts';
import { storeStripeObject, storeStripeObjects, syncHandler } from './apply.ts';
import { emitOutbound, enqueueFanOut, insertOutboundEvent } from './outbound/emit.ts';
import type { OutboundEventType } from './outbound/event-types.ts';
import { platformBillingTenants } from './platform-billing.ts';
import type { ProcessDeps } from './process.ts';
import type {
  EventHandler,
  FetchedObject,
  HandlerContext,
  RefetchableObject,
  StripeObject,
} from './registry.ts';
import { routePlatformEvents } from './route.ts';
import { payloadForm, refetchableType, storableObject } from './stored-payload.ts';
import { fullEvent } from './thin.ts';

type EventRow = typeof stripeEvents.$inferSelect;

/** Stripe calls (thin-event fetches, refetches) in flight per batch. */
const FETCH_CONCURRENCY = 10;

async function mark(tx: Tx, id: string, status: EventRow['status'], error: string | null): Promise<void> {
  await tx
    .update(stripeEvents)
    .set({
      status,
      lastError: error,
      processedAt: status === 'processed' || status === 'ignored' ? sql`now()` : null,
    })
    .where(inArray(stripeEvents.id, [id]));
}

/** One claimed event on its way through the batch. */
interface Item {
  row: EventRow;
  handler: EventHandler | undefined;
  /** a platform-account event's platform billing handler, used only if its customer says so (classify) */
  billing?: EventHandler;
  event?: Stripe.Event;
  object?: StripeObject;
  deleted: boolean;
  syncedAt: Date;
  error?: unknown;
  outcome?: EventRow['status'];
  /** when the batch claimed it: the attempt's start */
  claimedAt: Date;
  /** the batch's shared fetch its object came from (fetchOnce), when refetched */
  fetchKey?: string;
}

/** One refetch per object per batch: several events of one object (created, updated, succeeded …) share it. */
type Fetches = Map<string, Promise<{ fetched: StripeObject | null; fetchedAt: Date }>>;

const fetchKey = (type: RefetchableObject, id: string, account: string | null) =>
  `${type}\u0000${account ?? ''}\u0000${id}`;

/**
 * The events sharing one fetch get times a millisecond apart in the order they are applied (event time,
 * then claim order, as applyGroup sorts them), so each applies behind the guards as it did with a fetch of
 * its own: the later event applies the same state again and its handler sees a change, not a tie. The
 * times count back from the fetch's start, never past it: a write made after the fetch began (an API call
 * whose answer is newer than the fetch's) must keep winning over the fetched state.
 */
function spreadSharedFetches(items: Item[]): void {
  const sharing = new Map<string, Item[]>();
  for (const item of items) {
    if (!item.fetchKey || item.error) continue;
    const list = sharing.get(item.fetchKey) ?? [];
    list.push(item);
    sharing.set(item.fetchKey, list);
  }
  for (const list of sharing.values()) {
    if (list.length < 2) continue;
    const first = list[0]!.syncedAt.getTime() - (list.length - 1);
    const ordered = [...list].sort((a, b) => a.row.created.getTime() - b.row.created.getTime());
    ordered.forEach((item, i) => {
      item.syncedAt = new Date(first + i);
    });
  }
}

function fetchOnce(
  deps: ProcessDeps,
  fetches: Fetches,
  key: string,
  type: RefetchableObject,
  id: string,
  account: string | null,
): Promise<{ fetched: StripeObject | null; fetchedAt: Date }> {
  let fetch = fetches.get(key);
  if (!fetch) {
    const fetchedAt = new Date();
    fetch = retrieveObject(deps.stripe, type, id, account).then((fetched) => ({ fetched, fetchedAt }));
    fetches.set(key, fetch);
  }
  return fetch;
}

/** Resolves the full event and refetches the stateful object: network only, outside any transaction. */
async function prepare(deps: ProcessDeps, fetches: Fetches, item: Item): Promise<void> {
  const { row } = item;
  // the billing handler's refetch is the tenants' handler's (invoice, subscription) when both exist
  const handler = item.handler ?? item.billing;
  if (!handler) return;
  try {
    // a summary keeps only the object's id and type, so its object is always refetched
    const summarized = payloadForm(row) === 'summary';
    const refetch = deps.config.WEBHOOK_REFETCH || summarized ? handler.refetch : undefined;
    const event = await fullEvent(deps.stripe, row, !refetch);
    let object = (event.data?.object ?? {}) as unknown as StripeObject;
    // read back from our own jsonb (a snapshot's): storable as it is, no walk needed
    let stored = row.kind !== 'thin';
    item.deleted = event.type.endsWith('.deleted') || (object as { deleted?: unknown }).deleted === true;
    item.syncedAt = new Date(event.created * 1000);
    const refetchAs = refetch ?? (summarized ? refetchableType(object.object) : undefined);
    if (summarized && !refetchAs) {
      throw new Error(
        `The event nests too deep to store and a ${object.object} cannot be refetched; its exact body is kept.`,
      );
    }
    if (refetchAs && object.id) {
      const account = refetchAs === 'account' ? null : row.account;
      item.fetchKey = fetchKey(refetchAs, object.id, account);
      const { fetched, fetchedAt } = await fetchOnce(
        deps,
        fetches,
        item.fetchKey,
        refetchAs,
        object.id,
        account,
      );
      item.syncedAt = fetchedAt;
      if (fetched) {
        object = fetched;
        stored = false;
      } else item.deleted = true;
    }
    item.event = event;
    item.object = stored ? object : storableObject(object);
  } catch (err) {
    item.error = err;
  }
}

async function eachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]!);
  });
  await Promise.all(lanes);
}

/** What the fast path collects from a group's handlers, written once before its transaction commits. */
interface Deferred {
  fanOut: string[];
  mirror: FetchedObject[];
}

/**
 * The handler's view of one event. With `deferred` (the fast path) outbound events are only inserted and
 * their ids collected, for one fan-out insert at the end of the transaction, and raw objects are collected
 * for one mirror upsert; without it (inside a savepoint) each emit enqueues its own fan-out and each object
 * is written at once, so rolling the savepoint back drops them all.
 */
function handlerContext(deps: ProcessDeps, tx: Tx, item: Item, deferred?: Deferred): HandlerContext {
  const { row } = item;
  const fanOut = deferred?.fanOut;
  return {
    tx,
    config: deps.config,
    event: item.event!,
    tenantId: row.tenantId,
    account: row.account,
    object: item.object!,
    deleted: item.deleted,
    syncedAt: item.syncedAt,
    emit: async (type: OutboundEventType, data: Record<string, unknown>, opts?: { tenantId?: string }) => {
      const e = { tenantId: opts?.tenantId ?? row.tenantId, type, data, sourceEventId: row.id };
      if (!fanOut) {
        await emitOutbound(tx, deps.jobs(), e);
        return;
      }
      const id = await insertOutboundEvent(tx, e);
      if (id) fanOut.push(id);
    },
    mirror: async (object) => {
      if (deferred) deferred.mirror.push(object);
      else await storeStripeObject(tx, object);
    },
    enqueue: async (queue, data) => {
      await deps.jobs().sendInTx(tx, queue, data);
    },
  };
}

// shown on the dashboard and the event APIs: a database error's code and table, never its SQL or parameters
const errorText = (err: unknown) => safeErrorMessage(err).slice(0, 2000);

/**
 * The attempt history (stripe_event_attempts), one multi-row insert in the transaction recording the
 * outcomes: an attempt is in the history exactly when its outcome is.
 */
async function recordAttempts(tx: Tx, settled: [Item, EventRow['status'] | undefined][]): Promise<void> {
  const now = Date.now();
  const rows = settled.flatMap(([item, outcome]) =>
    outcome
      ? [
          {
            eventId: item.row.id,
            tenantId: item.row.tenantId,
            attempt: item.row.attempts,
            outcome,
            error: outcome === 'failed' || outcome === 'dead' ? errorText(item.error) : null,
            startedAt: item.claimedAt,
            durationMs: now - item.claimedAt.getTime(),
          },
        ]
      : [],
  );
  if (rows.length > 0) await tx.insert(stripeEventAttempts).values(rows);
}

/** Marks the batch's failures (failed, or dead past the retry limit) in `tx`. */
async function markFailures(deps: ProcessDeps, tx: Tx, items: Item[]): Promise<void> {
  for (const item of items) {
    if (!item.error) continue;
    const dead = item.row.attempts > deps.config.WEBHOOK_RETRY_LIMIT;
    await mark(tx, item.row.id, dead ? 'dead' : 'failed', errorText(item.error));
    item.outcome = dead ? 'dead' : 'failed';
  }
}

async function markDone(tx: Tx, ids: string[], status: 'processed' | 'ignored'): Promise<void> {
  if (ids.length === 0) return;
  await tx
    .update(stripeEvents)
    .set({ status, lastError: null, processedAt: sql`now()` })
    .where(inArray(stripeEvents.id, ids));
}

/**
 * Applies one tenant's (or the platform's) share of a batch in ONE transaction. Events go in object-id order
 * so that concurrent batches lock shared rows in the same order (no deadlocks between them); handlers are
 * order-independent and guarded by `last_synced_at`, so the order within a batch changes no outcome.
 * Fast path: every handler in the one transaction, outcomes marked with one UPDATE each. When any handler
 * throws, that transaction rolls back entirely and the group is applied again with a savepoint per event,
 * so a failing event rolls back only itself and is marked failed (or dead) in the same transaction.
 */
/**
 * An event that belongs to no tenant — from a connected account no tenant owns, or a platform event that
 * routes to none (route.ts) — would run with no tenant set (RLS off), and its objects' metadata is whoever
 * made them's to write: applied by the domains it could name any tenant's rows. Only its raw object is kept;
 * a replay routes it again once its account is linked (or its rows exist) and then applies it in full.
 * Platform billing's events route through rows of their own first (classifyBilling).
 */
const mirrorOnly = syncHandler(undefined);
const parkedHandler = (deps: ProcessDeps, type: string): EventHandler | undefined =>
  deps.handlers.handlerFor(type) ? mirrorOnly : undefined;

/** The object a platform event is about: the refetched one, else the snapshot as Stripe delivered it. */
function objectOf(item: Item): StripeObject | undefined {
  if (item.object) return item.object;
  const payload = item.row.payload as { data?: { object?: StripeObject } };
  return item.row.kind === 'snapshot' ? payload.data?.object : undefined;
}

/**
 * Gives each platform-account event (no `account`, so the inbox could not route it) its tenant, from the
 * Stripe ids of the object `prepare` fetched; the event then runs in that tenant's transaction. A failure
 * to route leaves the events failed, to be retried.
 */
async function routeItems(deps: ProcessDeps, items: Item[]): Promise<void> {
  const platform = items.filter((i) => !i.error && i.row.tenantId === null && i.row.account === null);
  if (platform.length === 0) return;
  try {
    const routed = await routePlatformEvents(
      deps.db,
      deps.log,
      platform.map((i) => ({ eventId: i.row.id, object: objectOf(i) })),
    );
    for (const item of platform) {
      const tenantId = routed.get(item.row.id);
      if (tenantId) item.row = { ...item.row, tenantId };
    }
  } catch (err) {
    for (const item of platform) item.error = err;
  }
}

/**
 * Platform billing: a platform-account event whose customer is a tenant's billing customer goes to that
 * tenant with the billing handler instead of the tenants' own (platform-billing.ts). A failure leaves the
 * candidates failed, to be retried.
 */
async function classifyBilling(deps: ProcessDeps, items: Item[]): Promise<void> {
  const candidates = items.filter((i) => !i.error && i.billing && i.row.account === null);
  if (candidates.length === 0) return;
  try {
    const billing = await platformBillingTenants(
      deps.db,
      deps.log,
      candidates.map((i) => ({ eventId: i.row.id, tenantId: i.row.tenantId, object: objectOf(i) })),
    );
    for (const item of candidates) {
      const tenantId = billing.get(item.row.id);
      if (tenantId) {
        item.row = { ...item.row, tenantId };
        item.handler = item.billing;
      }
    }
  } catch (err) {
    for (const item of candidates) item.error = err;
  }
}

async function applyGroup(deps: ProcessDeps, tenantId: string | null, items: Item[]): Promise<void> {
  const sorted = [...items].sort((a, b) => {
    const ka = a.object?.id ?? '';
    const kb = b.object?.id ?? '';
    return ka < kb ? -1 : ka > kb ? 1 : a.row.created.getTime() - b.row.created.getTime();
  });
  const scope = (fn: (tx: Tx) => Promise<void>) =>
    tenantId
      ? withTenant(deps.db, tenantId, async (tx) => {
          // One batch of a tenant applies at a time. Object-id order alone cannot order the rows two batches
          // share (a charge and a capability event both lock the account row and the payment, in the order
          // of their ids): measured, batches deadlocked each other and an API request waiting between them.
          await tx.execute(
            sql`select pg_advisory_xact_lock(hashtextextended(${`stripe-event-apply:${tenantId}`}, 0))`,
          );
          await fn(tx);
        })
      : withSystem(deps.db, 'webhooks.platform_events', fn);
  const todo = sorted.filter((i) => !i.error && i.handler);
  const ignored = sorted.filter((i) => !i.error && !i.handler).map((i) => i.row.id);
  try {
    await scope(async (tx) => {
      const deferred: Deferred = { fanOut: [], mirror: [] };
      for (const item of todo) await item.handler!.apply(handlerContext(deps, tx, item, deferred));
      await storeStripeObjects(tx, deferred.mirror);
      if (deferred.fanOut.length > 0) await enqueueFanOut(tx, deps.jobs(), deferred.fanOut);
      await markDone(
        tx,
        todo.map((i) => i.row.id),
        'processed',
      );
      await markDone(tx, ignored, 'ignored');
      await markFailures(deps, tx, sorted);
      await recordAttempts(
        tx,
        sorted.map((i) => [i, i.error ? i.outcome : i.handler ? 'processed' : 'ignored']),
      );
    });
    for (const item of todo) item.outcome = 'processed';
    for (const item of sorted) if (!item.error && !item.handler) item.outcome = 'ignored';
    return;
  } catch {
    // retried below event by event; a failure of the transaction itself shows again there
  }
  await scope(async (tx) => {
    for (const item of todo) {
      try {
        await tx.transaction(async (sp) => {
          savepointOf(tx, sp);
          await item.handler!.apply(handlerContext(deps, sp, item));
          await mark(sp, item.row.id, 'processed', null);
        });
        item.outcome = 'processed';
      } catch (err) {
        item.error = err;
      }
    }
    await markDone(tx, ignored, 'ignored');
    for (const item of sorted) if (!item.error && !item.handler) item.outcome = 'ignored';
    await markFailures(deps, tx, sorted);
    await recordAttempts(
      tx,
      sorted.map((i) => [i, i.outcome]),
    );
  });
}

/**
 * Processes a batch of stored events: one claim for all (counts the attempt; finished events are skipped, so
 * a batch retried after a crash or a failure redoes only what is unfinished), the network part outside any
 * transaction, then one transaction per tenant with a savepoint per event. Resolves with each event's
 * outcome; rejects (so pg-boss retries the batch with backoff) when any event failed below the retry limit
 * or a transaction could not commit.
 */
export async function processEventBatch(
  deps: ProcessDeps,
  eventIds: readonly string[],
  opts: { deadline?: number } = {},
): Promise<Map<string, EventRow['status']>> {
  const ids = [...new Set(eventIds)];
  const rows = await withSystem(deps.db, 'webhooks.claim', (tx) =>
    tx
      .update(stripeEvents)
      .set({ attempts: sql`${stripeEvents.attempts} + 1` })
      .where(inArray(stripeEvents.id, ids))
      .returning(),
  );
  const outcomes = new Map<string, EventRow['status']>();
  const items: Item[] = [];
  for (const row of rows) {
    // a second job for a finished event (a crashed batch's retry) has nothing to do; replay resets the status
    if (row.status === 'processed' || row.status === 'ignored') outcomes.set(row.id, row.status);
    else
      items.push({
        row,
        // an unknown account's objects are not even fetched (the platform may have no access to them)
        handler: row.unknownAccount ? parkedHandler(deps, row.type) : deps.handlers.handlerFor(row.type),
        billing: row.account === null ? deps.handlers.platformBillingFor(row.type) : undefined,
        deleted: false,
        syncedAt: row.created,
        claimedAt: new Date(),
      });
  }
  if (items.length === 0) return outcomes;
  // in `serve`, wait while webhook ingest is busy unless these events have waited too long (jobs/pacing.ts)
  const oldest = Math.min(...items.map((i) => i.row.receivedAt.getTime()));
  const release = (await deps.pacing?.admit(oldest)) ?? (() => {});
  try {
    return await applyClaimed(deps, items, outcomes, opts.deadline ?? Number.POSITIVE_INFINITY);
  } finally {
    release();
  }
}

/** The claimed events' network part, routing and one transaction per tenant (see processEventBatch). */
async function applyClaimed(
  deps: ProcessDeps,
  all: Item[],
  outcomes: Map<string, EventRow['status']>,
  deadline: number,
): Promise<Map<string, EventRow['status']>> {
  const fetches: Fetches = new Map();
  // Stripe slow or failing: events not fetched by the deadline are left for the batch's retry (pg-boss hands
  // a job out again once it expires, and this batch must not still be applying them then)
  const late = new Set<Item>();
  await eachLimited(all, FETCH_CONCURRENCY, async (item) => {
    if (Date.now() > deadline) late.add(item);
    else await prepare(deps, fetches, item);
  });
  const items = all.filter((i) => !late.has(i));
  spreadSharedFetches(items);
  await classifyBilling(deps, items);
  await routeItems(deps, items);
  const groups = new Map<string | null, Item[]>();
  for (const item of items) {
    if (item.row.tenantId === null) item.handler = item.handler && parkedHandler(deps, item.row.type);
    const list = groups.get(item.row.tenantId) ?? [];
    list.push(item);
    groups.set(item.row.tenantId, list);
  }
  let commitError: unknown = null;
  for (const [tenantId, group] of groups) {
    try {
      await applyGroup(deps, tenantId, group);
    } catch (err) {
      // the group's transaction failed as a whole (connection lost, commit failed): nothing of it happened
      commitError ??= err;
      for (const item of group) item.outcome = undefined;
    }
  }
  let failure: unknown = commitError;
  for (const item of items) {
    if (item.outcome) outcomes.set(item.row.id, item.outcome);
    if (item.outcome === 'dead') {
      deps.log.error(
        { err: item.error, event: item.row.id, attempts: item.row.attempts },
        'stripe event dead-lettered',
      );
    }
    if (item.outcome === 'failed') failure ??= item.error;
  }
  if (late.size > 0) {
    failure ??= new Error(
      `${late.size} events were not fetched before the batch's deadline; they are retried`,
    );
  }
  if (failure) throw failure;
  return outcomes;
}
