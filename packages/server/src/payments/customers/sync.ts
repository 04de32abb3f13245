import type { Tx } from '../../db/client.ts';
import type { Stripe } from '../../stripe/client.ts';
import { idOf, namedInMetadata, ownMetadata } from '../../stripe/ids.ts';
import type { SyncScope } from '../common.ts';
import * as repo from './repo.ts';

export function customerState(c: Stripe.Customer, deleted: boolean): repo.CustomerState {
  return {
    email: c.email ?? null,
    name: c.name ?? null,
    phone: c.phone ?? null,
    address: (c.address as Record<string, string | null> | null) ?? null,
    metadata: ownMetadata(c.metadata),
    defaultPaymentMethod: idOf(c.invoice_settings?.default_payment_method),
    preferredLocale: c.preferred_locales?.[0] ?? null,
    deleted,
  };
}

/**
 * The customer row `metadata.tributary_customer` names, when it is this customer's: it holds this Stripe
 * customer, or none yet (our own request's answer not applied) and is this tenant's, living on the account
 * the customer lives on. (A takeover once followed this id to another tenant's row.)
 */
async function customerNamedBy(
  tx: Tx,
  scope: SyncScope,
  c: Stripe.Customer,
): Promise<repo.CustomerRow | null> {
  const id = namedInMetadata(c.metadata, 'tributary_customer', 'customer');
  const row = id && scope.tenantId ? await repo.getCustomer(tx, id) : null;
  if (!row) return null;
  if (row.stripeCustomerId !== null) return row.stripeCustomerId === c.id ? row : null;
  return row.tenantId === scope.tenantId && row.stripeAccountId === scope.account && !row.deleted
    ? row
    : null;
}

export async function syncCustomer(
  tx: Tx,
  scope: SyncScope,
  c: Stripe.Customer,
  deleted: boolean,
  syncedAt: Date,
): Promise<void> {
  const row = (await customerNamedBy(tx, scope, c)) ?? (await repo.customerByStripeId(tx, c.id));
  if (row) {
    await repo.applyCustomer(tx, row.id, c.id, customerState(c, deleted), syncedAt);
    return;
  }
  // The connected account's own customers (made on its Stripe dashboard) are mirrored too.
  if (scope.tenantId && scope.account && !deleted) {
    await repo.insertCustomerFromStripe(
      tx,
      scope.tenantId,
      scope.account,
      c.id,
      customerState(c, deleted),
      syncedAt,
    );
  }
}

export function paymentMethodState(pm: Stripe.PaymentMethod): repo.PaymentMethodState {
  return {
    type: pm.type,
    brand: pm.card?.brand ?? null,
    last4: pm.card?.last4 ?? pm.us_bank_account?.last4 ?? null,
    expMonth: pm.card?.exp_month ?? null,
    expYear: pm.card?.exp_year ?? null,
    bankName: pm.us_bank_account?.bank_name ?? null,
  };
}

export async function syncPaymentMethod(
  tx: Tx,
  pm: Stripe.PaymentMethod,
  deleted: boolean,
  syncedAt: Date,
): Promise<repo.PaymentMethodRow | null> {
  const customerId = idOf(pm.customer);
  if (!customerId || deleted) return repo.markDetached(tx, pm.id, syncedAt);
  const customer = await repo.customerByStripeId(tx, customerId);
  if (!customer) return null;
  return repo.upsertPaymentMethod(
    tx,
    customer.tenantId,
    customer.id,
    pm.id,
    paymentMethodState(pm),
    syncedAt,
  );
}
