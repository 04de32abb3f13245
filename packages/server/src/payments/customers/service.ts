import { requireChargesEnabled } from '../../connect/service.ts';
import type { Tx } from '../../db/client.ts';
import type { ConnectKind } from '../../db/schema/index.ts';
import { ApiError } from '../../http/errors.ts';
import { parsePathId, toPublicId, type Uuid } from '../../http/ids.ts';
import type { Page } from '../../http/pagination.ts';
import { requireScopes } from '../../scope/actor.ts';
import type { Scope } from '../../scope/scopes.ts';
import { inTenant, type TenantScope } from '../../scope/tenant.ts';
import type { Stripe } from '../../stripe/client.ts';
import type { CallerParams } from '../../stripe/gateway.ts';
import type { PaymentDeps } from '../common.ts';
import * as repo from './repo.ts';
import * as sync from './sync.ts';

/**
 * Where a tenant's customers and charges live: Standard-like accounts take direct charges, so their customers
 * are the connected account's; Express-like accounts take destination charges made on the platform, whose
 * customers must be the platform's too (docs/payments.md).
 */
export const customerAccountFor = (kind: ConnectKind, stripeAccountId: string): string | null =>
  kind === 'standard' ? stripeAccountId : null;

/** A customer as the caller named it: its public id (kept for the 404) and the uuid behind it. */
export interface CustomerRef {
  id: Uuid<'customer'>;
  publicId: string;
}

/** Parses the customer's public id, as the caller gave it; a malformed one is the 404 of a missing one. */
export const customerRef = (publicId: string): CustomerRef => ({
  id: parsePathId('customer', publicId),
  publicId,
});

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

/**
 * `need` is the scope the caller's work needs: `customers:write` here, `invoices:write` when an invoice sent
 * to an e-mail makes the customer it belongs to.
 */
export async function createCustomer(
  scope: TenantScope,
  deps: PaymentDeps,
  input: CustomerInput,
  need: Scope = 'customers:write',
): Promise<CustomerView> {
  const row = await inTenant(scope, need, async (tx) => {
    const acct = await requireChargesEnabled(tx, scope.tenantId);
    return repo.insertCustomer(tx, {
      tenantId: scope.tenantId,
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
              tributary_tenant: scope.publicId,
            },
          },
          opts,
        ),
    );
  } catch (err) {
    await inTenant(scope, need, (tx) => repo.deleteCustomer(tx, row.id));
    throw err;
  }
  const fetchedAt = new Date(); // after the response: a refetch answered earlier must not win the guard
  return inTenant(scope, need, async (tx) => {
    const applied = await applyAnswer(tx, row.id, customer, fetchedAt);
    await scope.audit(tx, {
      action: 'customer.created',
      target: { kind: 'customer', id: row.id },
      data: { stripe_customer: customer.id },
    });
    return customerView(tx, applied);
  });
}

/** `input.customer` is the customer's public id, as the caller named it. */
export async function updateCustomer(
  scope: TenantScope,
  deps: PaymentDeps,
  input: CustomerInput & { customer: string },
): Promise<CustomerView> {
  const ref = customerRef(input.customer);
  const row = await inTenant(scope, 'customers:write', (tx) => getCustomerOrThrow(tx, ref.id, ref.publicId));
  if (!row.stripeCustomerId) throw ApiError.notFound('customer', ref.publicId, 'customer');
  const params = stripeCustomerParams(input);
  if (input.metadata) params.metadata = input.metadata;
  const customer = await deps.stripe.call(
    { action: 'update the customer', account: row.stripeAccountId, movesMoney: false, input: customerInput },
    (stripe, opts) => stripe.customers.update(row.stripeCustomerId!, params, opts),
  );
  const fetchedAt = new Date(); // after the response: a refetch answered earlier must not win the guard
  return inTenant(scope, 'customers:write', async (tx) => {
    const applied = await applyAnswer(tx, row.id, customer, fetchedAt);
    return customerView(tx, applied);
  });
}

/** `customer` is the customer's public id, as the caller named it. */
export function getCustomer(scope: TenantScope, customer: string) {
  const ref = customerRef(customer);
  return inTenant(scope, 'customers:read', async (tx) =>
    customerView(tx, await getCustomerOrThrow(tx, ref.id, ref.publicId)),
  );
}

export function listCustomers(
  scope: TenantScope,
  q: {
    limit: number;
    startingAfter: string | null;
    endingBefore: string | null;
    email?: string;
    q?: string;
  },
): Promise<Page<CustomerView>> {
  return inTenant(scope, 'customers:read', async (tx) => {
    const page = await repo.listCustomers(tx, scope.tenantId, q);
    const data: CustomerView[] = [];
    for (const row of page.data) data.push(await customerView(tx, row));
    return { data, hasMore: page.hasMore };
  });
}

/**
 * The customer an invoice sent to `email` belongs to: the tenant's customer with that e-mail, else a new one
 * (so its page lists the invoice and its payment) when the caller holds `customers:write`. None while the
 * tenant's account cannot take charges yet (a customer lives on that account); the invoice is linked when it
 * is sent. `need` is the caller's scope.
 */
export async function customerForEmail(
  scope: TenantScope,
  deps: PaymentDeps,
  email: string,
  need: Scope,
): Promise<repo.CustomerRow | null> {
  const found = await inTenant(scope, need, async (tx, access) => {
    const row = await repo.customerByEmail(tx, scope.tenantId, email);
    if (row) return { row, chargeable: true };
    // making a customer is `customers:write`'s power: a caller without it (a key for invoices only) leaves the
    // invoice to its e-mail alone
    if (!access.scopes.has('customers:write')) return { row: null, chargeable: false };
    const chargeable = await requireChargesEnabled(tx, scope.tenantId).then(
      () => true,
      (err: unknown) => {
        if (err instanceof ApiError) return false;
        throw err;
      },
    );
    return { row: null, chargeable };
  });
  if (found.row || !found.chargeable) return found.row;
  return (await createCustomer(scope, deps, { email }, need)).row;
}

/** A customer known to Stripe, on a tenant whose account can take charges (customers:write). */
export function chargeableCustomer(scope: TenantScope, ref: CustomerRef) {
  return inTenant(scope, 'customers:write', async (tx) => {
    const acct = await requireChargesEnabled(tx, scope.tenantId);
    const customer = await getCustomerOrThrow(tx, ref.id, ref.publicId);
    if (!customer.stripeCustomerId) throw ApiError.notFound('customer', ref.publicId, 'customer');
    return { customer, acct };
  });
}

/** The audit entry of a Stripe-hosted page opened for a customer (setup or portal), after Stripe answered. */
export function auditHostedPage(
  scope: TenantScope,
  entry: { customerId: string; action: string; data: Record<string, unknown> },
) {
  return inTenant(scope, 'customers:write', (tx) =>
    scope.audit(tx, {
      action: entry.action,
      target: { kind: 'customer', id: entry.customerId },
      data: entry.data,
    }),
  );
}

const portalInput: CallerParams = { return_url: 'return_url' };

/**
 * A customer portal session on the customer's account (`input.customer`: its public id, as the caller named it) (Stripe's hosted page: update the payment method, see
 * invoices, cancel subscriptions). The link is for the customer alone; the platform's app hands it over.
 */
export async function portalSession(
  scope: TenantScope,
  deps: PaymentDeps,
  input: { customer: string; return_url?: string },
): Promise<{ url: string; created: number }> {
  const ref = customerRef(input.customer);
  // Whoever opens the portal can cancel the customer's subscriptions and read its invoices: the caller must
  // hold those powers itself.
  requireScopes(scope.access, ['subscriptions:write', 'invoices:read']);
  const { customer, acct } = await chargeableCustomer(scope, ref);
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
  await auditHostedPage(scope, {
    customerId: customer.id,
    action: 'customer.portal_session_created',
    data: {},
  });
  return { url: session.url, created: session.created };
}
