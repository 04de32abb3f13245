// The customer object and its lookup (shared by the customer routes, PaymentMethods, Checkout and billing).
import type { Ctx } from '../../app.ts';
import { requireOwn } from '../../lookup.ts';
import type { Customer } from '../../objects/payments.ts';
import { newId, nowSeconds, randomString } from '../../wire/ids.ts';

export function requireCustomer(ctx: Ctx, id: string, param = 'id'): Customer {
  return requireOwn(ctx, 'customer', id, param);
}

/** A new customer (not stored yet) with Stripe's defaults. */
export function customerObject(email: string | null, testClock: string | null): Customer {
  return {
    id: newId('cus'),
    object: 'customer',
    address: null,
    balance: 0,
    created: nowSeconds(),
    currency: null,
    customer_account: null,
    default_source: null,
    delinquent: false,
    description: null,
    discount: null,
    email,
    invoice_prefix: randomString(8).toUpperCase(),
    invoice_settings: {
      custom_fields: null,
      default_payment_method: null,
      footer: null,
      rendering_options: null,
    },
    livemode: false,
    metadata: {},
    name: null,
    next_invoice_sequence: 1,
    phone: null,
    preferred_locales: [],
    shipping: null,
    tax_exempt: 'none',
    test_clock: testClock,
  };
}
