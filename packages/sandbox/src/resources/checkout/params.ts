// The parameter shapes Checkout Sessions and Payment Links share: line items, payment_intent_data,
// setup_intent_data and subscription_data.
import { any, arr, enm, hash, int, metadata, type Out, obj, str } from '../../wire/schema.ts';
import { priceDataShape } from '../products/prices.ts';

export const lineItemShape = obj({
  price: str,
  price_data: obj({ ...priceDataShape, product: str }),
  quantity: int,
  adjustable_quantity: hash,
  dynamic_tax_rates: arr(str),
  tax_rates: arr(str),
  metadata,
});

export const pidShape = obj({
  application_fee_amount: int,
  capture_method: enm('automatic', 'automatic_async', 'manual'),
  description: str,
  metadata,
  on_behalf_of: str,
  receipt_email: str,
  setup_future_usage: enm('off_session', 'on_session'),
  shipping: hash,
  statement_descriptor: str,
  statement_descriptor_suffix: str,
  transfer_data: obj({ destination: str, amount: int }),
  transfer_group: str,
});

/** Passed to the SetupIntent a `setup`-mode session creates (Stripe's `setup_intent_data`). */
export const sidShape = obj({ description: str, metadata, on_behalf_of: str });

export const sdShape = obj({
  application_fee_percent: any,
  billing_cycle_anchor: int,
  description: str,
  metadata,
  on_behalf_of: str,
  proration_behavior: str,
  transfer_data: hash,
  trial_end: int,
  trial_period_days: int,
  trial_settings: hash,
  invoice_settings: hash,
  default_tax_rates: arr(str),
  billing_mode: hash,
});

export type LineItemParams = NonNullable<Out<typeof lineItemShape>>;
/** `payment_intent_data`, validated (a Payment Link's gets its fee, transfer and on_behalf_of too). */
export type PaymentIntentData = NonNullable<Out<typeof pidShape>>;
export type SetupIntentData = NonNullable<Out<typeof sidShape>>;
export type SubscriptionData = NonNullable<Out<typeof sdShape>>;
