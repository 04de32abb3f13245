import type { Ctx } from '../context.ts';
import { withSystemReadOnly, withTenantReadOnly } from '../db/read-only.ts';
import { ApiError } from '../http/errors.ts';
import { fromPublicId, toPublicId } from '../http/ids.ts';
import { callerId, isPlatform, isSupportOperator, requireScope, tenantAccess } from '../scope/actor.ts';
import type { ReadOnlyStripe } from '../stripe/read-only.ts';
import { type Audience, recordLookup } from './audit.ts';
import { refreshCustomer } from './refresh.ts';
import * as repo from './repo.ts';
import type { SupportCustomer, SupportMatch, SupportSearchQuery } from './schemas.ts';
import { customerAnswer, stripeIdsOf, timelineOf } from './views.ts';

// Support queries (issue 23, docs/support.md): read-only by construction. Every read runs in a READ ONLY
// transaction; Stripe is reached only through the GET-only gateway, and only by `refresh`, whose writes are
// the other domains' sync entries' (payments/service.ts, subscriptions/service.ts) in their own
// transactions; the one write of support's own is the audit row, in a transaction of its own (audit.ts).

/** The caller's audience from `tenant` and `reason`; refuses a platform caller giving neither. */
export function audienceOf(ctx: Ctx, q: { tenant?: string; reason?: string }): Audience {
  const { actor } = ctx;
  const reason = q.reason ?? null;
  if (q.tenant !== undefined) {
    const tenantId = fromPublicId('tenant', q.tenant);
    if (!tenantId) throw ApiError.notFound('tenant', q.tenant, 'tenant');
    // another tenant's caller gets the 404 of a tenant that does not exist
    let access: ReturnType<typeof tenantAccess>;
    try {
      access = tenantAccess(actor, tenantId, q.tenant);
    } catch (err) {
      if (err instanceof ApiError && err.code === 'resource_missing')
        throw ApiError.notFound('tenant', q.tenant, 'tenant');
      throw err;
    }
    requireScope(access, 'support:read');
    return { kind: 'tenant', tenantId, reason };
  }
  // the operator's support users look platform-wide as the platform does
  if (isPlatform(actor) || isSupportOperator(actor)) {
    if (reason !== null) return { kind: 'all', reason };
    throw new ApiError(
      'support_tenant_or_reason_required',
      'A platform-wide caller must name the tenant it looks into (`tenant=ten_…`) or give a reason (`reason=…`, recorded in the audit log).',
      { param: 'tenant' },
    );
  }
  const own =
    actor.kind === 'api_key'
      ? actor.tenantId
      : actor.kind === 'user'
        ? onlyMembership(actor.memberships)
        : null;
  if (!own)
    throw new ApiError('parameter_missing', 'You belong to several tenants: name one with `tenant=ten_…`.', {
      param: 'tenant',
    });
  requireScope(tenantAccess(actor, own, toPublicId('tenant', own)), 'support:read');
  return { kind: 'tenant', tenantId: own, reason };
}

function onlyMembership(m: ReadonlyMap<string, unknown>): string | null {
  return m.size === 1 ? ([...m.keys()][0] ?? null) : null;
}

/** The search criterion of a query that must name exactly one. */
export function criterionOf(q: SupportSearchQuery): repo.Criterion {
  const given = [
    q.email !== undefined && 'email',
    q.customer !== undefined && 'customer',
    q.payment !== undefined && 'payment',
    (q.last4 !== undefined || q.amount !== undefined) && 'last4',
  ].filter((x): x is string => typeof x === 'string');
  if (given.length !== 1)
    throw new ApiError(
      'support_search_criteria_invalid',
      given.length === 0
        ? 'Search by exactly one of `email`, `customer`, `payment`, or `last4` with `amount`.'
        : `Search by exactly one criterion, not ${given.join(' and ')}.`,
      { param: given[1] ?? 'email' },
    );
  if (q.currency !== undefined && given[0] !== 'last4')
    throw new ApiError('parameter_invalid', '`currency` goes with `last4` and `amount` only.', {
      param: 'currency',
    });
  if (q.email !== undefined) return { kind: 'email', email: q.email };
  if (q.customer !== undefined) return customerCriterion(q.customer, 'customer');
  if (q.payment !== undefined) return paymentCriterion(q.payment);
  if (q.last4 === undefined || q.amount === undefined)
    throw new ApiError('parameter_missing', '`last4` and `amount` go together.', {
      param: q.last4 === undefined ? 'last4' : 'amount',
    });
  return { kind: 'card', last4: q.last4, amount: q.amount, currency: q.currency ?? null };
}

const STRIPE_ID = /^[A-Za-z0-9_]{4,255}$/;

function customerCriterion(v: string, param: string): repo.Criterion {
  const id = fromPublicId('customer', v);
  if (id) return { kind: 'customer', id };
  if (v.startsWith('cus_') && STRIPE_ID.test(v)) return { kind: 'stripe_customer', stripeId: v };
  throw new ApiError('parameter_invalid', `'${v}' is neither a customer id (cust_…) nor Stripe's (cus_…).`, {
    param,
  });
}

function paymentCriterion(v: string): repo.Criterion {
  const id = fromPublicId('payment', v);
  if (id) return { kind: 'payment', id };
  if (STRIPE_ID.test(v) && v.startsWith('pi_')) return { kind: 'payment_intent', stripeId: v };
  if (STRIPE_ID.test(v) && (v.startsWith('ch_') || v.startsWith('py_')))
    return { kind: 'charge', stripeId: v };
  throw new ApiError(
    'parameter_invalid',
    `'${v}' is not a payment id (pay_…), a PaymentIntent (pi_…) or a charge (ch_…, py_…).`,
    { param: 'payment' },
  );
}

/** The audience, its tenant known to exist: a platform caller may name any id, which must not be recorded. */
async function existing(ctx: Ctx, audience: Audience, named: string | undefined): Promise<Audience> {
  if (audience.kind !== 'tenant') return audience;
  const name = await withTenantReadOnly(ctx.db, audience.tenantId, (tx) =>
    repo.tenantName(tx, audience.tenantId),
  );
  if (name === null)
    throw ApiError.notFound('tenant', named ?? toPublicId('tenant', audience.tenantId), 'tenant');
  return audience;
}

/** Reads `fn` where the audience lets the caller see: its tenant, or (with a reason) every tenant. */
function readIn<T>(
  ctx: Ctx,
  audience: Audience,
  fn: Parameters<typeof withSystemReadOnly<T>>[2],
): Promise<T> {
  return audience.kind === 'tenant'
    ? withTenantReadOnly(ctx.db, audience.tenantId, fn, { callerId: callerId(ctx.actor) })
    : withSystemReadOnly(ctx.db, 'support.search', fn);
}

/** GET /v1/support/customers: every customer matching the query, with its tenant. */
export async function searchCustomers(ctx: Ctx, q: SupportSearchQuery): Promise<SupportMatch[]> {
  const criterion = criterionOf(q);
  const audience = await existing(ctx, audienceOf(ctx, q), q.tenant);
  await recordLookup(ctx, audience, audience.kind === 'tenant' ? audience.tenantId : null, {
    action: 'support.customers.searched',
    data: { by: criterion.kind === 'card' ? 'last4_amount' : criterion.kind },
  });
  const rows = await readIn(ctx, audience, (tx) =>
    repo.findCustomers(tx, criterion, audience.kind === 'tenant' ? audience.tenantId : null, q.limit),
  );
  const asOf = Math.floor(Date.now() / 1000);
  return rows.map(({ customer: c, tenantName }) => ({
    tenant: { id: toPublicId('tenant', c.tenantId), name: tenantName },
    customer: {
      id: toPublicId('customer', c.id),
      stripe_id: c.stripeCustomerId,
      email: c.email,
      name: c.name,
    },
    source: 'mirror' as const,
    as_of: c.lastSyncedAt ? Math.floor(c.lastSyncedAt.getTime() / 1000) : asOf,
  }));
}

/** The customer `ref` names where the audience looks; the 404 of one that does not exist otherwise. */
async function locate(ctx: Ctx, audience: Audience, ref: string): Promise<repo.CustomerRow> {
  const criterion = customerCriterion(ref, 'customer_id');
  const rows = await readIn(ctx, audience, (tx) =>
    repo.findCustomers(tx, criterion, audience.kind === 'tenant' ? audience.tenantId : null),
  );
  const [first] = rows;
  if (!first) throw ApiError.notFound('customer', ref, 'customer_id');
  // a Stripe id in two tenants (the same platform customer is never two tenants'; a connected account's
  // could be if the account moved): the caller must name the tenant
  if (rows.length > 1)
    throw new ApiError(
      'support_tenant_or_reason_required',
      `'${ref}' is known in several tenants: name one.`,
      {
        param: 'tenant',
      },
    );
  return first.customer;
}

/** GET /v1/support/customers/{customer}: everything about one customer, from the mirror or Stripe. */
export async function customerDetail(
  ctx: Ctx,
  stripe: ReadOnlyStripe,
  ref: string,
  q: { tenant?: string; reason?: string; refresh: boolean; limit: number },
): Promise<SupportCustomer> {
  const audience = await existing(ctx, audienceOf(ctx, q), q.tenant);
  let customer = await locate(ctx, audience, ref).catch(async (err: unknown) => {
    // a probe that finds nothing is on record too
    if (err instanceof ApiError && err.status === 404)
      await recordLookup(ctx, audience, audience.kind === 'tenant' ? audience.tenantId : null, {
        action: 'support.customer.viewed',
        data: { customer: ref, found: false, refresh: q.refresh },
      });
    throw err;
  });
  await recordLookup(ctx, audience, customer.tenantId, {
    action: 'support.customer.viewed',
    target: { kind: 'customer', id: customer.id },
    data: { refresh: q.refresh },
  });
  let source: SupportCustomer['source'] = 'mirror';
  let asOf = new Date();
  if (q.refresh && customer.stripeCustomerId) {
    asOf = await refreshCustomer(ctx, stripe, customer);
    source = 'stripe';
  }
  const tenantId = customer.tenantId;
  const read = await withTenantReadOnly(
    ctx.db,
    tenantId,
    async (tx) => {
      const [row] = await repo.findCustomers(tx, { kind: 'customer', id: customer.id }, tenantId);
      if (!row) return null;
      const records = await repo.customerRecords(tx, row.customer, q.limit);
      const ids = stripeIdsOf(row.customer, records);
      const events = await repo.eventsOf(tx, tenantId, [...ids.keys()]);
      return { row, records, ids, events };
    },
    { callerId: callerId(ctx.actor) },
  );
  if (!read) throw ApiError.notFound('customer', ref, 'customer_id');
  customer = read.row.customer;
  const answer = customerAnswer(customer, read.records);
  return {
    ...answer,
    tenant: { id: toPublicId('tenant', tenantId), name: read.row.tenantName },
    source,
    as_of: Math.floor(asOf.getTime() / 1000),
    timeline: timelineOf(answer, read.events, read.ids),
  };
}
