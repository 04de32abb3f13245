import type { Stripe, StripeRef } from '../../stripe/client.ts';

// Dunning's Stripe calls, all on the platform account (no `Stripe-Account`): the failed renewal invoice taken
// off Stripe's own retries, paid with one saved method at a time, a pending update's invoice voided, and the
// final cancel of a suspended tenant's subscription.

const platform = { account: null } as const;

/**
 * The hour (UTC) of a call that changes an object's state without moving money, in its key: Stripe keeps a 500
 * under a key for 24 hours, and these calls must go through again well before that. Repeating one that was
 * done is harmless: Stripe refuses it as the state it already has, which the callers read as done.
 */
const hourOf = (at: Date) => at.toISOString().slice(0, 13);

/** Stops Stripe's automatic collection and retries of the invoice: dunning's schedule is the only one. */
export function stopAutoAdvance(stripe: StripeRef, invoice: string, at: Date): Promise<Stripe.Invoice> {
  return stripe.call(
    {
      action: "stop Stripe's retries of the plan invoice",
      ...platform,
      movesMoney: false,
      purpose: 'dunning_auto_advance',
      record: invoice,
      discriminator: hourOf(at),
    },
    (s, opts) => s.invoices.update(invoice, { auto_advance: false }, opts),
  );
}

/** One payment attempt of the invoice with one saved method, off-session; one key per attempt, method and retry. */
export function payWith(
  stripe: StripeRef,
  input: { invoice: string; attempt: number; paymentMethod: string; retry: number },
): Promise<Stripe.Invoice> {
  return stripe.call(
    {
      action: 'retry the plan invoice',
      ...platform,
      movesMoney: true,
      purpose: 'dunning',
      record: input.invoice,
      discriminator: [input.attempt, input.paymentMethod, input.retry],
    },
    (s, opts) =>
      s.invoices.pay(
        input.invoice,
        {
          payment_method: input.paymentMethod,
          off_session: true,
          expand: ['payments.data.payment.payment_intent'],
        },
        opts,
      ),
  );
}

export function voidPlanInvoice(stripe: StripeRef, invoice: string, at: Date): Promise<Stripe.Invoice> {
  return stripe.call(
    {
      action: "void the plan change's unpaid invoice",
      ...platform,
      movesMoney: false,
      purpose: 'dunning_void',
      record: invoice,
      discriminator: hourOf(at),
    },
    (s, opts) => s.invoices.voidInvoice(invoice, {}, opts),
  );
}

/**
 * The final action's write-off: an invoice the case still owed marked uncollectible (nothing collects it any
 * more, and paying it could no longer restore the plan).
 */
export function writeOffInvoice(stripe: StripeRef, invoice: string, at: Date): Promise<Stripe.Invoice> {
  return stripe.call(
    {
      action: "write off the suspended tenant's unpaid plan invoice",
      ...platform,
      movesMoney: false,
      purpose: 'dunning_write_off',
      record: invoice,
      discriminator: hourOf(at),
    },
    (s, opts) => s.invoices.markUncollectible(invoice, {}, opts),
  );
}

/** The final action `cancel`: the subscription ends at once, nothing credited. */
export function cancelForDunning(
  stripe: StripeRef,
  input: { caseId: string; subscription: string },
): Promise<Stripe.Subscription> {
  return stripe.call(
    {
      action: "cancel the suspended tenant's plan subscription",
      ...platform,
      movesMoney: false,
      purpose: 'dunning_cancel',
      record: input.caseId,
    },
    (s, opts) => s.subscriptions.cancel(input.subscription, {}, opts),
  );
}

/** The operator's "mark paid": the invoice settled outside Stripe (a bank transfer), no charge made. */
export function markPaidOutOfBand(
  stripe: StripeRef,
  invoice: string,
  at: Date = new Date(),
): Promise<Stripe.Invoice> {
  return stripe.call(
    {
      action: 'mark the plan invoice paid out of band',
      ...platform,
      movesMoney: false,
      purpose: 'dunning_mark_paid',
      record: invoice,
      discriminator: hourOf(at),
    },
    (s, opts) => s.invoices.pay(invoice, { paid_out_of_band: true }, opts),
  );
}
