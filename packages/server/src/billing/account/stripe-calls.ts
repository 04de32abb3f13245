import type { Stripe, StripeRef } from '../../stripe/client.ts';
import { contentDigest, StripeFailure } from '../../stripe/gateway.ts';
import { idOf } from '../../stripe/ids.ts';

// The tenant's billing account at Stripe: its customer on the platform's own account (no `Stripe-Account`),
// the payment methods saved on it, its invoices, balance and credit notes. Every call through the gateway.

const platform = { account: null } as const;

/** The customer as Stripe has it now; null when deleted. */
export async function retrieveCustomer(stripe: StripeRef, customer: string): Promise<Stripe.Customer | null> {
  const c = (await stripe.call(
    { action: "read the tenant's billing customer", ...platform, movesMoney: false },
    (s, opts) => s.customers.retrieve(customer, {}, opts),
  )) as Stripe.Customer | Stripe.DeletedCustomer;
  return 'deleted' in c && c.deleted ? null : (c as Stripe.Customer);
}

export const defaultMethodOf = (c: Stripe.Customer | null): string | null =>
  idOf(c?.invoice_settings?.default_payment_method) ?? null;

/** Stripe's hosted page (Checkout in setup mode) saving a card (3-D Secure on the page) or a bank account. */
export function createSetupSession(
  stripe: StripeRef,
  input: {
    tenantId: string;
    tenantPublicId: string;
    customer: string;
    successUrl: string;
    cancelUrl: string;
    types: ('card' | 'us_bank_account')[];
  },
): Promise<Stripe.Checkout.Session> {
  const metadata = { tributary_kind: 'platform_plan', tributary_tenant_id: input.tenantPublicId };
  return stripe.call(
    {
      action: 'open the page adding a payment method',
      ...platform,
      movesMoney: false,
      purpose: 'platform_setup_session',
      record: input.tenantId,
    },
    (s, opts) =>
      s.checkout.sessions.create(
        {
          mode: 'setup',
          customer: input.customer,
          // naming the types makes `currency` optional in setup mode
          allowed_payment_method_types: input.types,
          success_url: input.successUrl,
          cancel_url: input.cancelUrl,
          metadata,
          setup_intent_data: { metadata },
        },
        opts,
      ),
  );
}

/**
 * A setup page's session with its SetupIntent, as Stripe has it now; null for an id Stripe does not know (the
 * caller checks whose customer it is).
 */
export async function retrieveSetupSession(
  stripe: StripeRef,
  id: string,
): Promise<Stripe.Checkout.Session | null> {
  try {
    return await stripe.call(
      { action: 'read the page adding a payment method', ...platform, movesMoney: false },
      (s, opts) => s.checkout.sessions.retrieve(id, { expand: ['setup_intent'] }, opts),
    );
  } catch (err) {
    if (err instanceof StripeFailure && err.kind === 'invalid_request') return null;
    throw err;
  }
}

/** Every payment method saved on the customer (cards and bank accounts). */
export async function listMethods(stripe: StripeRef, customer: string): Promise<Stripe.PaymentMethod[]> {
  const out: Stripe.PaymentMethod[] = [];
  for await (const pm of stripe.each(
    { action: "list the tenant's payment methods", ...platform, movesMoney: false },
    (s, opts) => s.customers.listPaymentMethods(customer, { limit: 100 }, opts),
  ))
    out.push(pm);
  return out;
}

/**
 * The payment method `pm`, only if it is saved on `customer` (read from Stripe, never from the caller: an id
 * from a request proves nothing). Any other answer — no such method, another customer's — is null.
 */
export async function methodOfCustomer(
  stripe: StripeRef,
  customer: string,
  pm: string,
): Promise<Stripe.PaymentMethod | null> {
  try {
    const found = await stripe.call(
      { action: 'read the payment method', ...platform, movesMoney: false },
      (s, opts) => s.customers.retrievePaymentMethod(customer, pm, {}, opts),
    );
    return idOf(found.customer) === customer ? found : null;
  } catch (err) {
    if (err instanceof StripeFailure && err.kind === 'invalid_request') return null;
    throw err;
  }
}

export function setDefaultMethod(
  stripe: StripeRef,
  input: { tenantId: string; customer: string; pm: string; first: boolean },
): Promise<Stripe.Customer> {
  const action = "set the tenant's default payment method";
  // a first method made the default by the webhook's job: one call per method, however often retried; the
  // tenant's own choice is sent as it comes (A, then B, then A again must each happen)
  const spec = input.first
    ? {
        action,
        ...platform,
        movesMoney: false,
        purpose: 'platform_default_payment_method' as const,
        record: input.tenantId,
        discriminator: input.pm,
      }
    : { action, ...platform, movesMoney: false };
  return stripe.call(spec, (s, opts) =>
    s.customers.update(input.customer, { invoice_settings: { default_payment_method: input.pm } }, opts),
  );
}

export function detachMethod(stripe: StripeRef, pm: string): Promise<Stripe.PaymentMethod> {
  return stripe.call({ action: 'remove the payment method', ...platform, movesMoney: false }, (s, opts) =>
    s.paymentMethods.detach(pm, {}, opts),
  );
}

export interface Contact {
  email: string;
  name: string;
  address: Stripe.AddressParam | null;
}

export function updateContact(stripe: StripeRef, customer: string, c: Contact): Promise<Stripe.Customer> {
  return stripe.call(
    {
      action: "update the tenant's billing contact",
      ...platform,
      movesMoney: false,
      input: { email: 'email', name: 'name', address: 'address' },
    },
    (s, opts) =>
      s.customers.update(customer, { email: c.email, name: c.name, address: c.address ?? '' }, opts),
  );
}

/** The customer's invoices (every status), newest first: a refresh of the mirror. */
export async function listInvoices(
  stripe: StripeRef,
  customer: string,
  max = 100,
): Promise<Stripe.Invoice[]> {
  const out: Stripe.Invoice[] = [];
  for await (const inv of stripe.each(
    { action: "list the tenant's plan invoices", ...platform, movesMoney: false },
    (s, opts) => s.invoices.list({ customer, limit: 100 }, opts),
  )) {
    out.push(inv);
    if (out.length >= max) break;
  }
  return out;
}

/** Whether the customer has an invoice open (finalized, not paid, voided or uncollectible). */
export async function hasOpenInvoice(stripe: StripeRef, customer: string): Promise<boolean> {
  const list = await stripe.call(
    { action: "list the tenant's open plan invoices", ...platform, movesMoney: false },
    (s, opts) => s.invoices.list({ customer, status: 'open', limit: 1 }, opts),
  );
  return list.data.length > 0;
}

export async function retrieveInvoice(stripe: StripeRef, id: string): Promise<Stripe.Invoice | null> {
  try {
    return await stripe.call({ action: 'read the plan invoice', ...platform, movesMoney: false }, (s, opts) =>
      s.invoices.retrieve(id, {}, opts),
    );
  } catch (err) {
    if (err instanceof StripeFailure && err.kind === 'invalid_request') return null;
    throw err;
  }
}

/** The subscription's next invoice as Stripe would make it now. */
export function previewInvoice(stripe: StripeRef, subscription: string): Promise<Stripe.Invoice> {
  return stripe.call(
    { action: "preview the tenant's next plan invoice", ...platform, movesMoney: false },
    (s, opts) => s.invoices.createPreview({ subscription }, opts),
  );
}

/** A change of the customer's balance (negative: a credit the next invoices use first). */
export function createBalanceChange(
  stripe: StripeRef,
  input: {
    tenantId: string;
    tenantPublicId: string;
    customer: string;
    amount: number;
    currency: string;
    description: string;
    requestKey: string;
  },
): Promise<Stripe.CustomerBalanceTransaction> {
  return stripe.call(
    {
      action: "credit the tenant's billing balance",
      ...platform,
      movesMoney: true,
      input: { amount: 'amount', currency: 'currency', description: 'description' },
      purpose: 'platform_credit',
      record: input.tenantId,
      discriminator: contentDigest(input.requestKey),
    },
    (s, opts) =>
      s.customers.createBalanceTransaction(
        input.customer,
        {
          amount: input.amount,
          currency: input.currency,
          description: input.description,
          metadata: { tributary_kind: 'platform_plan', tributary_tenant_id: input.tenantPublicId },
        },
        opts,
      ),
  );
}

export function createCreditNote(
  stripe: StripeRef,
  input: { invoice: string; params: Stripe.CreditNoteCreateParams; requestKey: string },
): Promise<Stripe.CreditNote> {
  return stripe.call(
    {
      action: 'issue a credit note on the plan invoice',
      ...platform,
      movesMoney: true,
      input: {
        amount: 'amount',
        lines: 'lines',
        reason: 'reason',
        refund_amount: 'amount',
        credit_amount: 'amount',
        memo: 'memo',
      },
      purpose: 'platform_credit_note',
      record: input.invoice,
      discriminator: contentDigest(input.requestKey),
    },
    (s, opts) => s.creditNotes.create(input.params, opts),
  );
}
