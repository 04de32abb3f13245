// Platform billing of tenants (plans, meters, usage) on the platform account: the endpoints the server calls
// that no other part called before, as the API reference examples call them. A row whose `usedBy` is empty
// is planned: the server may not call it yet; once it does, the coverage test asks for its callers.
import Stripe from 'stripe';
import type { Row } from './endpoint-row.ts';

export const PLATFORM_ROWS: Row[] = [
  {
    sdk: 'prices.update',
    method: 'POST',
    path: '/v1/prices/:id',
    usedBy: [],
    resource: 'price',
    echoes: { active: false },
    doc: 'api/prices/update',
    // archiving a price: its subscribers keep it, new subscriptions cannot use it
    call: (s, m) => s.prices.update(m.oneTimePrice.id, { active: false }),
  },
  {
    sdk: 'billing.meters.create',
    method: 'POST',
    path: '/v1/billing/meters',
    usedBy: ['billing/plans/stripe.ts ensureMeters'],
    resource: 'billing.meter',
    echoes: {
      display_name: 'Search API Calls',
      event_name: 'ai_search_api',
      default_aggregation: { formula: 'sum' },
      customer_mapping: { event_payload_key: 'stripe_customer_id', type: 'by_id' },
      value_settings: { event_payload_key: 'value' },
      status: 'active',
    },
    doc: 'api/billing/meter/create',
    call: (s) =>
      s.billing.meters.create({
        display_name: 'Search API Calls',
        event_name: 'ai_search_api',
        default_aggregation: { formula: 'sum' },
        customer_mapping: { event_payload_key: 'stripe_customer_id', type: 'by_id' },
        value_settings: { event_payload_key: 'value' },
      }),
  },
  {
    sdk: 'billing.meters.list',
    method: 'GET',
    path: '/v1/billing/meters',
    usedBy: [],
    resource: 'billing.meter',
    list: true,
    doc: 'api/billing/meter/list',
    call: (s) => s.billing.meters.list({ limit: 3 }),
  },
  // the tenant's billing account with the platform (billing/account/)
  {
    sdk: 'customers.listPaymentMethods',
    method: 'GET',
    path: '/v1/customers/:id/payment_methods',
    usedBy: ['billing/account/stripe-calls.ts listMethods', 'support/refresh.ts refreshCustomer'],
    resource: 'payment_method',
    list: true,
    doc: 'api/payment_methods/customer_list',
    call: (s, m) => s.customers.listPaymentMethods(m.customer.id, { limit: 3 }),
  },
  {
    sdk: 'customers.retrievePaymentMethod',
    method: 'GET',
    path: '/v1/customers/:id/payment_methods/:id',
    usedBy: ['billing/account/stripe-calls.ts methodOfCustomer'],
    resource: 'payment_method',
    echoes: (m) => ({ id: m.paymentMethod.id, customer: m.customer.id }),
    doc: 'api/payment_methods/customer',
    call: (s, m) => s.customers.retrievePaymentMethod(m.customer.id, m.paymentMethod.id),
  },
  {
    sdk: 'invoices.list',
    method: 'GET',
    path: '/v1/invoices',
    usedBy: [
      'billing/account/stripe-calls.ts hasOpenInvoice',
      'billing/account/stripe-calls.ts listInvoices',
      'support/refresh.ts refreshCustomer',
    ],
    resource: 'invoice',
    list: true,
    doc: 'api/invoices/list',
    call: (s, m) => s.invoices.list({ customer: m.customer.id, limit: 3 }),
  },
  // dunning (billing/dunning/): an open plan invoice paid with one saved method off-session, marked paid out of
  // band by the operator, or voided; the recovery page pays one with a chosen saved card, the tenant present
  // (3-D Secure asked, not declined)
  {
    sdk: 'invoices.pay',
    method: 'POST',
    path: '/v1/invoices/:id/pay',
    usedBy: [
      'billing/dunning/stripe-calls.ts payWith',
      'billing/dunning/stripe-calls.ts markPaidOutOfBand',
      'billing/recovery/stripe-calls.ts payInvoice',
    ],
    resource: 'invoice',
    echoes: (m) => ({ id: m.openInvoices[0], status: 'paid', amount_paid: 1500, attempt_count: 1 }),
    doc: 'api/invoices/pay',
    call: (s, m) =>
      s.invoices.pay(m.openInvoices[0], { payment_method: m.paymentMethod.id, off_session: true }),
  },
  {
    sdk: 'invoices.voidInvoice',
    method: 'POST',
    path: '/v1/invoices/:id/void',
    usedBy: ['billing/dunning/stripe-calls.ts voidPlanInvoice'],
    resource: 'invoice',
    echoes: (m) => ({ id: m.openInvoices[1], status: 'void' }),
    doc: 'api/invoices/void',
    call: (s, m) => s.invoices.voidInvoice(m.openInvoices[1]),
  },
  {
    sdk: 'invoices.markUncollectible',
    method: 'POST',
    path: '/v1/invoices/:id/mark_uncollectible',
    usedBy: ['billing/dunning/stripe-calls.ts writeOffInvoice'],
    resource: 'invoice',
    echoes: (m) => ({ id: m.openInvoices[2], status: 'uncollectible' }),
    doc: 'api/invoices/mark_uncollectible',
    call: (s, m) => s.invoices.markUncollectible(m.openInvoices[2]),
  },
  // the upcoming invoice, and a plan change's quote (the invoice Stripe would make at once for it)
  {
    sdk: 'invoices.createPreview',
    method: 'POST',
    path: '/v1/invoices/create_preview',
    usedBy: [
      'billing/account/stripe-calls.ts previewInvoice',
      'billing/tenant-plan/quote-calls.ts previewChange',
      'billing/tenant-plan/quote-calls.ts previewFirst',
    ],
    resource: 'invoice',
    echoes: (m) => ({ customer: m.customer.id, object: 'invoice' }),
    doc: 'api/invoices/create_preview',
    call: (s, m) =>
      s.invoices.createPreview({
        customer: m.customer.id,
        subscription: m.subscription.id,
        subscription_details: {
          items: [{ id: m.subscription.items.data[0]!.id, quantity: 2 }],
          proration_behavior: 'always_invoice',
          proration_date: Math.floor(Date.now() / 1000),
        },
      }),
  },
  {
    sdk: 'customers.createBalanceTransaction',
    method: 'POST',
    path: '/v1/customers/:id/balance_transactions',
    usedBy: ['billing/account/stripe-calls.ts createBalanceChange'],
    resource: 'customer_balance_transaction',
    echoes: { amount: -500, currency: 'usd', type: 'adjustment' },
    doc: 'api/customer_balance_transactions/create',
    call: (s, m) => s.customers.createBalanceTransaction(m.customer.id, { amount: -500, currency: 'usd' }),
  },
  {
    sdk: 'creditNotes.create',
    method: 'POST',
    path: '/v1/credit_notes',
    usedBy: ['billing/account/stripe-calls.ts createCreditNote'],
    resource: 'credit_note',
    echoes: (m) => ({ invoice: m.invoice, object: 'credit_note' }),
    doc: 'api/credit_notes/create',
    // crediting one line of the invoice (as the API's `lines` does): its line id is read by a client of its
    // own, so the recorded call is the one POST
    call: async (s, m) => {
      const api = s as unknown as { getApiField(k: string): unknown };
      const reader = new Stripe('sk_test_123', {
        host: String(api.getApiField('host')),
        port: Number(api.getApiField('port')),
        protocol: 'http',
      });
      const line = (await reader.invoices.retrieve(m.invoice)).lines.data[0]!;
      return s.creditNotes.create({
        invoice: m.invoice,
        lines: [{ type: 'invoice_line_item', invoice_line_item: line.id!, amount: 100 }],
      });
    },
  },
];
