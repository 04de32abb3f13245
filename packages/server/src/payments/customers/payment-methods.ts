import { ApiError } from '../../http/errors.ts';
import { parsePathId } from '../../http/ids.ts';
import { inTenant, type TenantScope } from '../../scope/tenant.ts';
import type { Stripe } from '../../stripe/client.ts';
import { type CallerParams, StripeFailure } from '../../stripe/gateway.ts';
import { idOf } from '../../stripe/ids.ts';
import type { PaymentDeps } from '../common.ts';

import * as repo from './repo.ts';
import {
  applyAnswer,
  auditHostedPage,
  type CustomerView,
  chargeableCustomer,
  customerRef,
  customerView,
  getCustomerOrThrow,
} from './service.ts';
import * as sync from './sync.ts';

// A customer's saved payment methods: listing, saving one (SetupIntents, or Checkout's setup page), making one
// the default, detaching one.

/** `customer` is the customer's public id, as the caller named it. */
export function listPaymentMethods(scope: TenantScope, customer: string) {
  const ref = customerRef(customer);
  return inTenant(scope, 'customers:read', async (tx) => {
    const customer = await getCustomerOrThrow(tx, ref.id, ref.publicId);
    return { customer, methods: await repo.listPaymentMethods(tx, customer.id) };
  });
}

/** The SetupIntent's parameters filled from the request. */
const setupInput: CallerParams = {
  payment_method: 'payment_method',
  payment_method_data: 'us_bank_account',
  'payment_method_data[us_bank_account][routing_number]': 'us_bank_account[routing_number]',
  'payment_method_data[us_bank_account][account_number]': 'us_bank_account[account_number]',
  'payment_method_data[us_bank_account][account_holder_type]': 'us_bank_account[account_holder_type]',
  'payment_method_data[billing_details][name]': 'us_bank_account[account_holder_name]',
  return_url: 'return_url',
};

const methodNotFound = (pmId: string) => ApiError.notFound('payment method', pmId, 'payment_method');

/**
 * A `pm_…` taken from a request: the customer's own (our row, or attached to its Stripe customer),
 * or, read on the account the customer lives on, attached to no customer yet (made by Stripe.js, or a test
 * token). One attached to any other customer, of this tenant or another, is answered exactly like one that
 * does not exist, so an id cannot be used to take over, or probe for, someone else's saved method.
 */
async function requireUsableMethod(
  scope: TenantScope,
  deps: PaymentDeps,
  customer: repo.CustomerRow,
  pmId: string,
): Promise<void> {
  const mirrored = await inTenant(scope, 'customers:write', (tx) => repo.paymentMethodByStripeId(tx, pmId));
  if (mirrored) {
    if (mirrored.customerId !== customer.id) throw methodNotFound(pmId);
    return;
  }
  let pm: Stripe.PaymentMethod;
  try {
    pm = await deps.stripe.call(
      { action: 'read the payment method', account: customer.stripeAccountId, movesMoney: false },
      (stripe, opts) => stripe.paymentMethods.retrieve(pmId, {}, opts),
    );
  } catch (err) {
    // the id is the caller's only input here: whatever Stripe refuses about it, it has no such method
    if (err instanceof StripeFailure && err.kind === 'invalid_request') throw methodNotFound(pmId);
    throw err;
  }
  const owner = idOf(pm.customer);
  if (owner && owner !== customer.stripeCustomerId) throw methodNotFound(pmId);
}

export interface SetupResult {
  intent: Stripe.SetupIntent;
  method: repo.PaymentMethodRow | null;
  customer: repo.CustomerRow;
}

/**
 * Saves a payment method with a SetupIntent on the customer's account: a card (Stripe.js's `pm_…`, or a test
 * token), which may need 3-D Secure (`requires_action` with the redirect URL), or a US bank account. A method
 * that succeeds is stored now; one that needs authentication is stored by the `payment_method.attached`
 * webhook once the customer completes it, and made the default by `setup_intent.succeeded` if the customer has
 * none by then (default-method.ts).
 */
export async function setupPaymentMethod(
  scope: TenantScope,
  deps: PaymentDeps,
  input: {
    /** the customer's public id, as the caller named it */
    customer: string;
    payment_method?: string;
    us_bank_account?: {
      routing_number: string;
      account_number: string;
      account_holder_type: 'individual' | 'company';
      account_holder_name: string;
    };
    return_url?: string;
    set_default?: boolean;
  },
): Promise<SetupResult> {
  const ref = customerRef(input.customer);
  if (input.payment_method && input.us_bank_account) {
    throw new ApiError('parameter_invalid', 'Give either payment_method or us_bank_account, not both.', {
      param: 'us_bank_account',
    });
  }
  const { customer } = await chargeableCustomer(scope, ref);
  if (input.payment_method) await requireUsableMethod(scope, deps, customer, input.payment_method);
  const bank = input.us_bank_account;
  const confirm = Boolean(input.payment_method || bank);
  const params: Stripe.SetupIntentCreateParams = {
    customer: customer.stripeCustomerId!,
    usage: 'off_session',
    allowed_payment_method_types: [bank ? 'us_bank_account' : 'card'],
    metadata: {
      tributary_customer: ref.publicId,
      tributary_tenant: scope.publicId,
      // the setup_intent.succeeded handler makes a first method the default unless told not to
      ...(input.set_default === false ? { tributary_set_default: 'false' } : {}),
    },
    ...(input.payment_method ? { payment_method: input.payment_method } : {}),
    ...(bank
      ? {
          payment_method_data: {
            type: 'us_bank_account',
            us_bank_account: {
              routing_number: bank.routing_number,
              account_number: bank.account_number,
              account_holder_type: bank.account_holder_type,
            },
            billing_details: { name: bank.account_holder_name },
          },
        }
      : {}),
    ...(confirm ? { confirm: true } : {}),
    ...(confirm && input.return_url ? { return_url: input.return_url } : {}),
  };
  let intent: Stripe.SetupIntent;
  try {
    // Saving a method moves no money: each request is its own SetupIntent.
    intent = await deps.stripe.call(
      {
        action: 'save the payment method',
        account: customer.stripeAccountId,
        movesMoney: false,
        input: setupInput,
        purpose: 'setup_intent',
        record: customer.id,
      },
      (stripe, opts) => stripe.setupIntents.create(params, opts),
    );
  } catch (err) {
    // a declined card is an outcome: Stripe's 402 carries the SetupIntent
    if (!(err instanceof StripeFailure) || err.kind !== 'card_error' || !err.setupIntent) throw err;
    intent = err.setupIntent;
  }
  let method: repo.PaymentMethodRow | null = null;
  if (intent.status === 'succeeded' && intent.payment_method) {
    const pmId = typeof intent.payment_method === 'string' ? intent.payment_method : intent.payment_method.id;
    const pm = await deps.stripe.call(
      { action: 'read the payment method', account: customer.stripeAccountId, movesMoney: false },
      (stripe, opts) => stripe.paymentMethods.retrieve(pmId, {}, opts),
    );
    // saved on this customer, or it is not this customer's to store (never mirror another's method)
    if (idOf(pm.customer) !== customer.stripeCustomerId) throw methodNotFound(input.payment_method ?? pmId);
    const makeDefault = input.set_default ?? !customer.defaultPaymentMethod;
    let updated: Stripe.Customer | null = null;
    if (makeDefault) {
      updated = await deps.stripe.call(
        { action: 'set the default payment method', account: customer.stripeAccountId, movesMoney: false },
        (stripe, opts) =>
          stripe.customers.update(
            customer.stripeCustomerId!,
            { invoice_settings: { default_payment_method: pm.id } },
            opts,
          ),
      );
    }
    // The state is as of the last response: a webhook job's refetch answered earlier must not win the guard.
    const fetchedAt = new Date();
    method = await inTenant(scope, 'customers:write', async (tx) => {
      // customer row before payment method row: the order a webhook batch (cus_ < pm_) takes them in
      if (updated)
        await repo.applyCustomer(tx, customer.id, updated.id, sync.customerState(updated, false), fetchedAt);
      const saved = await repo.upsertPaymentMethod(
        tx,
        scope.tenantId,
        customer.id,
        pm.id,
        sync.paymentMethodState(pm),
        fetchedAt,
      );
      return saved ?? (await repo.paymentMethodByStripeId(tx, pm.id));
    });
  }
  const latest = await inTenant(scope, 'customers:read', (tx) => repo.getCustomer(tx, customer.id));
  return { intent, method, customer: latest ?? customer };
}

/** A customer's saved method, both named by their public ids as the caller gave them. */
export interface MethodInput {
  customer: string;
  paymentMethod: string;
}

async function methodOf(scope: TenantScope, input: MethodInput) {
  // both ids parsed before any work, the customer's first (as the path names them)
  const ref = customerRef(input.customer);
  const pmId = parsePathId('paymentMethod', input.paymentMethod, 'payment method');
  return inTenant(scope, 'customers:write', async (tx) => {
    const customer = await getCustomerOrThrow(tx, ref.id, ref.publicId);
    const pm = await repo.getPaymentMethod(tx, pmId);
    if (!pm || pm.customerId !== customer.id || pm.detachedAt)
      throw ApiError.notFound('payment method', input.paymentMethod, 'payment_method');
    return { customer, pm };
  });
}

export async function setDefaultPaymentMethod(
  scope: TenantScope,
  deps: PaymentDeps,
  input: MethodInput,
): Promise<CustomerView> {
  const { customer, pm } = await methodOf(scope, input);
  const updated = await deps.stripe.call(
    { action: 'set the default payment method', account: customer.stripeAccountId, movesMoney: false },
    (stripe, opts) =>
      stripe.customers.update(
        customer.stripeCustomerId!,
        { invoice_settings: { default_payment_method: pm.stripePaymentMethodId } },
        opts,
      ),
  );
  const fetchedAt = new Date(); // after the response: a refetch answered earlier must not win the guard
  return inTenant(scope, 'customers:write', async (tx) => {
    return customerView(tx, await applyAnswer(tx, customer.id, updated, fetchedAt));
  });
}

export async function detachPaymentMethod(
  scope: TenantScope,
  deps: PaymentDeps,
  input: MethodInput,
): Promise<repo.PaymentMethodRow> {
  const { pm, customer } = await methodOf(scope, input);
  await deps.stripe.call(
    { action: 'detach the payment method', account: customer.stripeAccountId, movesMoney: false },
    (stripe, opts) => stripe.paymentMethods.detach(pm.stripePaymentMethodId, {}, opts),
  );
  const fetchedAt = new Date(); // after the response: a refetch answered earlier must not win the guard
  return inTenant(scope, 'customers:write', async (tx) => {
    // customer row before payment method row (see setupPaymentMethod)
    if (customer.defaultPaymentMethod === pm.stripePaymentMethodId)
      await repo.clearDefault(tx, customer.id, pm.stripePaymentMethodId, fetchedAt);
    const row = (await repo.markDetached(tx, pm.stripePaymentMethodId, fetchedAt)) ?? pm;
    await scope.audit(tx, {
      action: 'payment_method.detached',
      target: { kind: 'paymentMethod', id: pm.id },
      data: { customer: input.customer },
    });
    return row;
  });
}

const setupSessionInput: CallerParams = {
  success_url: 'success_url',
  cancel_url: 'cancel_url',
  allowed_payment_method_types: 'payment_method_type',
};

/**
 * A Checkout Session in setup mode on the customer's account: Stripe's hosted page saves a card (3-D Secure
 * handled on the page) or a US bank account. Nothing is stored now: `payment_method.attached` stores the
 * method and `setup_intent.succeeded` makes it the default if the customer has none (default-method.ts).
 */
export async function setupSession(
  scope: TenantScope,
  deps: PaymentDeps,
  input: {
    /** the customer's public id, as the caller named it */
    customer: string;
    success_url: string;
    cancel_url: string;
    payment_method_type?: 'card' | 'us_bank_account';
  },
): Promise<{ id: string; url: string; expiresAt: number }> {
  const ref = customerRef(input.customer);
  const { customer, acct } = await chargeableCustomer(scope, ref);
  const type = input.payment_method_type ?? 'card';
  // each request is its own session (moves no money)
  const session = await deps.stripe.call(
    {
      action: 'open the setup page',
      account: customer.stripeAccountId,
      movesMoney: false,
      input: setupSessionInput,
      purpose: 'setup_session',
      record: customer.id,
    },
    (stripe, opts) =>
      stripe.checkout.sessions.create(
        {
          mode: 'setup',
          customer: customer.stripeCustomerId!,
          // naming the type makes `currency` optional in setup mode
          allowed_payment_method_types: [type],
          success_url: input.success_url,
          cancel_url: input.cancel_url,
          setup_intent_data: {
            metadata: { tributary_customer: ref.publicId, tributary_tenant: scope.publicId },
            // a platform customer (destination charges) saves the method for the tenant's business
            ...(customer.stripeAccountId ? {} : { on_behalf_of: acct.stripeAccountId }),
          },
        },
        opts,
      ),
  );
  await auditHostedPage(scope, {
    customerId: customer.id,
    action: 'customer.setup_session_created',
    data: { checkout_session: session.id, payment_method_type: type },
  });
  return { id: session.id, url: session.url!, expiresAt: session.expires_at };
}
