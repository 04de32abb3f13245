import type { Db } from '../../db/client.ts';
import { withTenant } from '../../db/tenant.ts';
import { insertAudit } from '../../scope/audit.ts';
import type { StripeRef } from '../../stripe/client.ts';
import { idOf } from '../../stripe/ids.ts';

import * as repo from './repo.ts';
import * as sync from './sync.ts';

/**
 * `billing-followup` job: make a just-saved payment method the customer's default when the customer has none.
 * Enqueued by the `setup_intent.succeeded` handler, so it covers every way a method is saved — a SetupIntent
 * confirmed after 3-D Secure, Checkout's setup page, Stripe.js — not only the API's synchronous path.
 */
export interface DefaultPaymentMethodJob {
  kind: 'default_payment_method';
  tenantId: string;
  customerId: string;
  stripePaymentMethodId: string;
}

/**
 * Idempotent under pg-boss's retries: the decision is taken again from Stripe's own state each time (our row
 * may lag a default the tenant set on Stripe's dashboard), and the update's idempotency key is derived from
 * customer + method. A default already there — ours, the tenant's, set meanwhile — is never replaced; Stripe
 * has no conditional update, so only a default set between our read and our write (milliseconds) could be.
 */
export async function setFirstDefault(
  deps: { db: Db; stripe: StripeRef },
  job: DefaultPaymentMethodJob,
): Promise<void> {
  const row = await withTenant(deps.db, job.tenantId, (tx) => repo.getCustomer(tx, job.customerId));
  if (!row?.stripeCustomerId || row.deleted || row.defaultPaymentMethod) return;
  const account = row.stripeAccountId;
  const customerId = row.stripeCustomerId;
  const [current, pm] = await Promise.all([
    deps.stripe.call({ action: 'read the customer', account, movesMoney: false }, (stripe, opts) =>
      stripe.customers.retrieve(customerId, {}, opts),
    ),
    deps.stripe.call({ action: 'read the payment method', account, movesMoney: false }, (stripe, opts) =>
      stripe.paymentMethods.retrieve(job.stripePaymentMethodId, {}, opts),
    ),
  ]);
  const readAt = new Date(); // after the responses: a webhook's refetch answered earlier must not win
  if (current.deleted) return;
  // detached again (or never this customer's): nothing to make the default
  const attached = idOf(pm.customer) === row.stripeCustomerId;
  let customer = current;
  let customerAt = readAt;
  const update = attached && !idOf(current.invoice_settings?.default_payment_method);
  if (update) {
    customer = await deps.stripe.call(
      {
        action: 'set the default payment method',
        account,
        movesMoney: false,
        purpose: 'default_payment_method',
        record: row.id,
        discriminator: pm.id,
      },
      (stripe, opts) =>
        stripe.customers.update(customerId, { invoice_settings: { default_payment_method: pm.id } }, opts),
    );
    customerAt = new Date();
  }
  await withTenant(deps.db, job.tenantId, async (tx) => {
    // customer row before payment method row: the order a webhook batch (cus_ < pm_) takes them in
    await repo.applyCustomer(tx, row.id, customer.id, sync.customerState(customer, false), customerAt);
    if (attached) {
      await repo.upsertPaymentMethod(tx, row.tenantId, row.id, pm.id, sync.paymentMethodState(pm), readAt);
    }
    if (update) {
      await insertAudit(
        tx,
        { kind: 'system', label: 'billing-followup' },
        `job_default_payment_method_${pm.id}`,
        {
          tenantId: row.tenantId,
          action: 'customer.default_payment_method_set',
          target: { kind: 'customer', id: row.id },
          data: { payment_method: pm.id, reason: 'first saved method' },
        },
      );
    }
  });
}
