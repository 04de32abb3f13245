// One refusal per endpoint of platform billing, as Stripe answers it: status, error type, code and param. The
// objects the calls act on are made beforehand (endpoint-refusals.test.ts).
import Stripe from 'stripe';

export interface RefusalMade {
  customer: Stripe.Customer;
  clock: Stripe.TestHelpers.TestClock;
  product: Stripe.Product;
  archivedPrice: Stripe.Price;
  subscription: Stripe.Subscription;
  canceled: Stripe.Subscription;
}

export interface Refusal {
  sdk: string;
  /** what is refused */
  what: string;
  want: { status: number; code?: string; param?: string; message?: string | RegExp };
  call: (stripe: Stripe, m: RefusalMade) => Promise<unknown>;
}

const T0 = Date.UTC(2026, 0, 1, 12) / 1000;

export const REFUSALS: Refusal[] = [
  {
    sdk: 'customers.listPaymentMethods',
    what: "an unknown customer's payment methods",
    want: { status: 404, code: 'resource_missing', message: "No such customer: 'cus_missing'" },
    call: (s) => s.customers.listPaymentMethods('cus_missing'),
  },
  {
    sdk: 'customers.retrievePaymentMethod',
    what: 'a payment method the customer does not have',
    want: { status: 404, code: 'resource_missing' },
    call: (s, m) => s.customers.retrievePaymentMethod(m.customer.id, 'pm_missing'),
  },
  {
    sdk: 'invoices.list',
    what: 'an unknown status filter',
    want: { status: 400, param: 'status' },
    call: (s, m) =>
      s.invoices.list({ customer: m.customer.id, status: 'nope' as Stripe.InvoiceListParams.Status }),
  },
  {
    sdk: 'invoices.pay',
    what: 'paying an unknown invoice',
    want: { status: 404, code: 'resource_missing', message: "No such invoice: 'in_missing'" },
    call: (s) => s.invoices.pay('in_missing', { off_session: false }),
  },
  {
    sdk: 'invoices.pay',
    what: 'off_session that is not a boolean',
    want: { status: 400, param: 'off_session' },
    call: (s) => s.invoices.pay('in_missing', { off_session: 'maybe' as unknown as boolean }),
  },
  {
    sdk: 'invoices.createPreview',
    what: 'a preview of an unknown subscription',
    want: { status: 404, code: 'resource_missing' },
    call: (s) => s.invoices.createPreview({ subscription: 'sub_missing' }),
  },
  {
    sdk: 'customers.createBalanceTransaction',
    what: 'a balance transaction without an amount',
    want: { status: 400, code: 'parameter_missing', param: 'amount' },
    call: (s, m) =>
      s.customers.createBalanceTransaction(m.customer.id, {
        currency: 'usd',
      } as Stripe.CustomerCreateBalanceTransactionParams),
  },
  {
    sdk: 'creditNotes.create',
    what: 'a credit note on an unknown invoice',
    want: { status: 404, code: 'resource_missing' },
    call: (s) => s.creditNotes.create({ invoice: 'in_missing', amount: 100 }),
  },
  {
    sdk: 'products.create',
    what: 'a product without a name',
    want: { status: 400, code: 'parameter_missing', param: 'name' },
    call: (s) => s.products.create({} as Stripe.ProductCreateParams),
  },
  {
    sdk: 'products.update',
    what: 'an unknown product',
    want: { status: 404, code: 'resource_missing', param: 'id', message: "No such product: 'prod_missing'" },
    call: (s) => s.products.update('prod_missing', { metadata: { tributary_kind: 'platform_plan' } }),
  },
  {
    sdk: 'prices.create',
    what: 'a tier with both unit_amount and unit_amount_decimal',
    want: { status: 400, param: 'tiers[1][unit_amount_decimal]' },
    call: (s, m) =>
      s.prices.create({
        currency: 'usd',
        product: m.product.id,
        recurring: { interval: 'month' },
        billing_scheme: 'tiered',
        tiers_mode: 'graduated',
        tiers: [
          { up_to: 10, unit_amount: 0 },
          { up_to: 'inf', unit_amount: 1, unit_amount_decimal: Stripe.Decimal.from('0.005') },
        ],
      }),
  },
  {
    sdk: 'prices.update',
    what: 'an unknown parameter (a price amount cannot change)',
    want: { status: 400, code: 'parameter_unknown', param: 'unit_amount' },
    call: (s, m) => s.prices.update(m.archivedPrice.id, { unit_amount: 1 } as Stripe.PriceUpdateParams),
  },
  {
    sdk: 'billing.meters.create',
    what: 'a second active meter for an event name',
    want: { status: 400, param: 'event_name' },
    call: (s) =>
      s.billing.meters.create({
        display_name: 'Again',
        event_name: 'tributary_refused',
        default_aggregation: { formula: 'sum' },
      }),
  },
  {
    sdk: 'billing.meters.list',
    what: 'a status that is not active or inactive',
    want: { status: 400, code: 'parameter_invalid_string', param: 'status' },
    call: (s) => s.billing.meters.list({ status: 'archived' as 'active' }),
  },
  {
    sdk: 'billing.meterEvents.create',
    what: 'an event stamped more than 35 days before the customer clock',
    want: { status: 400, param: 'timestamp', message: /cannot be more than 35 days in past/ },
    call: (s, m) =>
      s.billing.meterEvents.create({
        event_name: 'tributary_refused',
        timestamp: T0 - 36 * 86_400,
        payload: { stripe_customer_id: m.customer.id, value: '1' },
      }),
  },
  {
    sdk: 'customers.create',
    what: 'an unknown test clock',
    want: { status: 404, code: 'resource_missing', param: 'test_clock' },
    call: (s) => s.customers.create({ test_clock: 'clock_missing' }),
  },
  {
    sdk: 'subscriptions.create',
    what: 'an archived price',
    want: {
      status: 400,
      param: 'items[0][price]',
      message: 'The price specified is inactive. This field only accepts active prices.',
    },
    call: (s, m) =>
      s.subscriptions.create({ customer: m.customer.id, items: [{ price: m.archivedPrice.id }] }),
  },
  {
    sdk: 'subscriptions.update',
    what: 'an item of another subscription',
    want: { status: 404, code: 'resource_missing', param: 'items[0][id]' },
    call: (s, m) =>
      s.subscriptions.update(m.subscription.id, {
        items: [{ id: m.canceled.items.data[0]!.id, price: m.archivedPrice.id }],
      }),
  },
  {
    sdk: 'subscriptions.cancel',
    what: 'a subscription already canceled',
    want: { status: 404, code: 'resource_missing' },
    call: (s, m) => s.subscriptions.cancel(m.canceled.id),
  },
  {
    sdk: 'invoices.pay',
    what: 'paying an unknown invoice',
    want: { status: 404, code: 'resource_missing', param: 'id', message: "No such invoice: 'in_missing'" },
    call: (s) => s.invoices.pay('in_missing', { payment_method: 'pm_card_visa', off_session: true }),
  },
  {
    sdk: 'invoices.pay',
    what: "another customer's payment method",
    want: { status: 400, param: 'payment_method' },
    call: async (s, m) => {
      const other = await s.customers.create({ name: 'Other' });
      const pm = await s.paymentMethods.attach('pm_card_visa', { customer: other.id });
      const inv = await s.invoices.create({ customer: m.customer.id, auto_advance: false });
      await s.invoiceItems.create({ customer: m.customer.id, invoice: inv.id, amount: 500, currency: 'usd' });
      await s.invoices.finalizeInvoice(inv.id!, { auto_advance: false });
      return s.invoices.pay(inv.id!, { payment_method: pm.id, off_session: true });
    },
  },
  // the operator's "mark paid" (billing/dunning/stripe-calls.ts markPaidOutOfBand)
  {
    sdk: 'invoices.pay',
    what: 'an unknown invoice marked paid out of band',
    want: { status: 404, code: 'resource_missing', param: 'id', message: "No such invoice: 'in_missing'" },
    call: (s) => s.invoices.pay('in_missing', { paid_out_of_band: true }),
  },
  {
    sdk: 'invoices.pay',
    what: 'paid_out_of_band that is not a boolean',
    want: { status: 400, param: 'paid_out_of_band' },
    call: (s) => s.invoices.pay('in_missing', { paid_out_of_band: 'yes' as unknown as boolean }),
  },
  {
    sdk: 'invoices.pay',
    what: 'an invoice already paid, marked paid out of band',
    want: { status: 400, message: 'Invoice is already paid' },
    call: async (s, m) => {
      const inv = await s.invoices.create({ customer: m.customer.id, auto_advance: false });
      await s.invoiceItems.create({ customer: m.customer.id, invoice: inv.id, amount: 500, currency: 'usd' });
      await s.invoices.finalizeInvoice(inv.id!, { auto_advance: false });
      await s.invoices.pay(inv.id!, { paid_out_of_band: true });
      return s.invoices.pay(inv.id!, { paid_out_of_band: true });
    },
  },
  {
    sdk: 'invoices.voidInvoice',
    what: 'voiding an unknown invoice',
    want: { status: 404, code: 'resource_missing', param: 'id', message: "No such invoice: 'in_missing'" },
    call: (s) => s.invoices.voidInvoice('in_missing'),
  },
  {
    sdk: 'invoices.markUncollectible',
    what: 'writing off an invoice already paid',
    want: { status: 400, message: 'uncollectible' },
    call: async (s, m) => {
      const inv = await s.invoices.create({ customer: m.customer.id, auto_advance: false });
      await s.invoiceItems.create({ customer: m.customer.id, invoice: inv.id, amount: 700, currency: 'usd' });
      await s.invoices.finalizeInvoice(inv.id!, { auto_advance: false });
      await s.invoices.pay(inv.id!, { paid_out_of_band: true });
      return s.invoices.markUncollectible(inv.id!);
    },
  },
  {
    sdk: 'invoices.update',
    what: "an unknown invoice's auto_advance",
    want: { status: 404, code: 'resource_missing', param: 'id', message: "No such invoice: 'in_missing'" },
    call: (s) => s.invoices.update('in_missing', { auto_advance: false }),
  },
  {
    sdk: 'testHelpers.testClocks.advance',
    what: 'moving a clock backwards',
    want: { status: 400, param: 'frozen_time' },
    call: (s, m) => s.testHelpers.testClocks.advance(m.clock.id, { frozen_time: T0 - 1 }),
  },
];
