import { requireChargesEnabled } from '../../connect/service.ts';
import type { Ctx } from '../../context.ts';
import type { Tx } from '../../db/client.ts';
import type { ConnectKind } from '../../db/schema/index.ts';
import { ApiError } from '../../http/errors.ts';
import { toPublicId } from '../../http/ids.ts';
import type { Page } from '../../http/pagination.ts';
import { requireScopes, tenantAccess } from '../../scope/actor.ts';
import { insertAudit } from '../../scope/audit.ts';
import { inTenant } from '../../scope/tenant.ts';
import type { Stripe } from '../../stripe/client.ts';
import type { CallerParams } from '../../stripe/gateway.ts';
import type { PaymentDeps } from '../common.ts';
import * as repo from './repo.ts';
import * as sync from './sync.ts';

/**
 * Where a tenant's customers and charges live: Standard-like accounts take direct charges, so their customers
 * are the connected account's; Express-like accounts take destination charges made on the platform, whose
 * customers must be the platform's too (DESIGN.md, "Charges").
 */
export const customerAccountFor = (kind: ConnectKind, stripeAccountId: string): string | null =>
  kind === 'standard' ? stripeAccountId : null;

export async function getCustomerOrThrow(
  tx: Parameters<typeof repo.getCustomer>[0],
  id: string,
  publicId: string,
) {
  const row = await repo.getCustomer(tx, id);
  if (!row || row.deleted) throw ApiError.notFound('customer', publicId, 'customer');
  return row;
}

/**
 * Applies the customer Stripe answered our own call with (behind the guard: a webhook's refetch answered
 * later wins); the row as it stands either way.
 */
export async function applyAnswer(
  tx: Tx,
  id: string,
  customer: Stripe.Customer,
  fetchedAt: Date,
): Promise<repo.CustomerRow> {
  return (
    (await repo.applyCustomer(tx, id, customer.id, sync.customerState(customer, false), fetchedAt)) ??
    (await repo.getCustomer(tx, id))!
  );
}

export interface CustomerView {
  row: repo.CustomerRow;
  defaultPm: repo.PaymentMethodRow | null;
}

export async function customerView(
  tx: Parameters<typeof repo.getCustomer>[0],
  row: repo.CustomerRow,
): Promise<CustomerView> {
  const defaultPm = row.defaultPaymentMethod
    ? await repo.paymentMethodByStripeId(tx, row.defaultPaymentMethod)
    : null;
  return { row, defaultPm: defaultPm && !defaultPm.detachedAt ? defaultPm : null };
}

type CustomerInput = {
  email?: string | null;
  name?: string | null;
  phone?: string | null;
  address?: Record<string, string | null | undefined> | null;
  metadata?: Record<string, string>;
};

/** The customer's fields as the caller gave them (a refusal of one of them is the caller's 400). */
const customerInput: CallerParams = {
  email: 'email',
  name: 'name',
  phone: 'phone',
  address: 'address',
  metadata: 'metadata',
};

function stripeCustomerParams(input: CustomerInput): Stripe.CustomerUpdateParams {
  const p: Stripe.CustomerUpdateParams = {};
  if (input.email !== undefined) p.email = input.email ?? '';
  if (input.name !== undefined) p.name = input.name ?? '';
  if (input.phone !== undefined) p.phone = input.phone ?? '';
  if (input.address !== undefined) p.address = (input.address ?? '') as Stripe.AddressParam;
  return p;
}

export async function createCustomer(
  ctx: Ctx,
  deps: PaymentDeps,
  tenantId: string,
  publicId: string,
  input: CustomerInput,
): Promise<CustomerView> {
  const row = await inTenant(ctx, tenantId, publicId, 'customers:write', async (tx) => {
    const acct = await requireChargesEnabled(tx, tenantId);
    return repo.insertCustomer(tx, {
      tenantId,
      stripeAccountId: customerAccountFor(acct.kind, acct.stripeAccountId),
      email: input.email ?? null,
      name: input.name ?? null,
      phone: input.phone ?? null,
      address: (input.address as Record<string, string | null>) ?? null,
      metadata: input.metadata ?? {},
    });
  });
  let customer: Stripe.Customer;
  try {
    customer = await deps.stripe.call(
      {
        action: 'create the customer',
        account: row.stripeAccountId,
        movesMoney: false,
        input: customerInput,
        purpose: 'customer',
        record: row.id,
        attempt: 1,
      },
      (stripe, opts) =>
        stripe.customers.create(
          {
            ...(stripeCustomerParams(input) as Stripe.CustomerCreateParams),
            metadata: {
              ...input.metadata,
              tributary_customer: toPublicId('customer', row.id),
              tributary_tenant: publicId,
            },
          },
          opts,
        ),
    );
  } catch (err) {
    await inTenant(ctx, tenantId, publicId, 'customers:write', (tx) => repo.deleteCustomer(tx, row.id));
    throw err;
  }
  const fetchedAt = new Date(); // after the response: a refetch answered earlier must not win the guard
  return inTenant(ctx, tenantId, publicId, 'customers:write', async (tx) => {
    const applied = await applyAnswer(tx, row.id, customer, fetchedAt);
    await insertAudit(tx, ctx.actor, ctx.requestId, {
      tenantId,
      action: 'customer.created',
      target: { kind: 'customer', id: row.id },
      data: { stripe_customer: customer.id },
    });
    return customerView(tx, applied);
  });
}

export async function updateCustomer(
  ctx: Ctx,
  deps: PaymentDeps,
  tenantId: string,
  publicId: string,
  id: string,
  customerPublicId: string,
  input: CustomerInput,
): Promise<CustomerView> {
  const row = await inTenant(ctx, tenantId, publicId, 'customers:write', (tx) =>
    getCustomerOrThrow(tx, id, customerPublicId),
  );
  if (!row.stripeCustomerId) throw ApiError.notFound('customer', customerPublicId, 'customer');
  const params = stripeCustomerParams(input);
  if (input.metadata) params.metadata = input.metadata;
  const customer = await deps.stripe.call(
    { action: 'update the customer', account: row.stripeAccountId, movesMoney: false, input: customerInput },
    (stripe, opts) => stripe.customers.update(row.stripeCustomerId!, params, opts),
  );
  const fetchedAt = new Date(); // after the response: a refetch answered earlier must not win the guard
  return inTenant(ctx, tenantId, publicId, 'customers:write', async (tx) => {
    const applied = await applyAnswer(tx, row.id, customer, fetchedAt);
    return customerView(tx, applied);
  });
}

export function getCustomer(
  ctx: Ctx,
  tenantId: string,
  publicId: string,
  id: string,
  customerPublicId: string,
) {
  return inTenant(ctx, tenantId, publicId, 'customers:read', async (tx) =>
    customerView(tx, await getCustomerOrThrow(tx, id, customerPublicId)),
  );
}

export function listCustomers(
  ctx: Ctx,
  tenantId: string,
  publicId: string,
  q: { limit: number; startingAfter: string | null; endingBefore: string | null; email?: string },
): Promise<Page<CustomerView>> {
  return inTenant(ctx, tenantId, publicId, 'customers:read', async (tx) => {
    const page = await repo.listCustomers(tx, tenantId, q);
    const data: CustomerView[] = [];
    for (const row of page.data) data.push(await customerView(tx, row));
    return { data, hasMore: page.hasMore };
  });
}

/** A customer known to Stripe, on a tenant whose account can take charges (customers:write). */
export function chargeableCustomer(
  ctx: Ctx,
  tenantId: string,
  publicId: string,
  id: string,
  customerPublicId: string,
) {
  return inTenant(ctx, tenantId, publicId, 'customers:write', async (tx) => {
    const acct = await requireChargesEnabled(tx, tenantId);
    const customer = await getCustomerOrThrow(tx, id, customerPublicId);
    if (!customer.stripeCustomerId) throw ApiError.notFound('customer', customerPublicId, 'customer');
    return { customer, acct };
  });
}

/** The audit entry of a Stripe-hosted page opened for a customer (setup or portal), after Stripe answered. */
export function auditHostedPage(
  ctx: Ctx,
  tenantId: string,
  publicId: string,
  customerId: string,
  action: string,
  data: Record<string, unknown>,
) {
  return inTenant(ctx, tenantId, publicId, 'customers:write', (tx) =>
    insertAudit(tx, ctx.actor, ctx.requestId, {
      tenantId,
      action,
      target: { kind: 'customer', id: customerId },
      data,
    }),
  );
}

const portalInput: CallerParams = { return_url: 'return_url' };

/**
 * A customer portal session on the customer's account (Stripe's hosted page: update the payment method, see
 * invoices, cancel subscriptions). The link is for the customer alone; the platform's app hands it over.
 */
export async function portalSession(
  ctx: Ctx,
  deps: PaymentDeps,
  tenantId: string,
  publicId: string,
  id: string,
  customerPublicId: string,
  input: { return_url?: string },
): Promise<{ url: string; created: number }> {
  // Whoever opens the portal can cancel the customer's subscriptions and read its invoices: the caller must
  // hold those powers itself (issue 12).
  requireScopes(tenantAccess(ctx.actor, tenantId, publicId), ['subscriptions:write', 'invoices:read']);
  const { customer, acct } = await chargeableCustomer(ctx, tenantId, publicId, id, customerPublicId);
  // each request is its own single-use link (moves no money)
  const session = await deps.stripe.call(
    {
      action: 'open the customer portal',
      account: customer.stripeAccountId,
      movesMoney: false,
      input: portalInput,
      purpose: 'portal_session',
      record: customer.id,
    },
    (stripe, opts) =>
      stripe.billingPortal.sessions.create(
        {
          customer: customer.stripeCustomerId!,
          ...(input.return_url ? { return_url: input.return_url } : {}),
          // a platform customer (destination charges) sees the tenant's business on the page
          ...(customer.stripeAccountId ? {} : { on_behalf_of: acct.stripeAccountId }),
        },
        opts,
      ),
  );
  await auditHostedPage(ctx, tenantId, publicId, customer.id, 'customer.portal_session_created', {});
  return { url: session.url, created: session.created };
}
