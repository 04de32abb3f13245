// Products, prices (and the `plan` view of a recurring price), coupons and discounts, as stored.
import type { Metadata } from './common.ts';

export interface Product {
  id: string;
  object: 'product';
  active: boolean;
  created: number;
  default_price: string | null;
  description: string | null;
  images: (string | null)[];
  livemode: boolean;
  marketing_features: unknown[];
  metadata: Metadata;
  name: string;
  package_dimensions: unknown;
  shippable: boolean | null;
  statement_descriptor: string | null;
  tax_code: string | null;
  type: string;
  unit_label: string | null;
  updated: number;
  url: string | null;
}

export interface Recurring {
  interval: string;
  interval_count: number;
  meter: string | null;
  trial_period_days: number | null;
  usage_type: string;
}

export interface TransformQuantity {
  divide_by: number;
  round: string;
}

export interface Price {
  id: string;
  object: 'price';
  active: boolean;
  billing_scheme: string;
  created: number;
  currency: string;
  custom_unit_amount: null;
  livemode: boolean;
  lookup_key: string | null;
  metadata: Metadata;
  nickname: string | null;
  product: string;
  recurring: Recurring | null;
  tax_behavior: string;
  tiers_mode: string | null;
  transform_quantity: TransformQuantity | null;
  type: string;
  unit_amount: number | null;
  unit_amount_decimal: string | null;
}

/** A price's tiers (kept beside it, `expand[]=tiers`). */
export interface Tier {
  flat_amount: number | null;
  flat_amount_decimal: string | null;
  unit_amount: number | null;
  unit_amount_decimal: string | null;
  up_to: number | null;
}

/** The older `plan` view of a recurring price, on subscription items. */
export interface Plan {
  id: string;
  object: 'plan';
  active: boolean;
  amount: number | null;
  amount_decimal: string | null;
  billing_scheme: string;
  created: number;
  currency: string;
  interval: string | null;
  interval_count: number | null;
  livemode: boolean;
  metadata: Metadata;
  meter: string | null;
  nickname: string | null;
  product: string;
  tiers_mode: string | null;
  transform_usage: TransformQuantity | null;
  trial_period_days: number | null;
  usage_type: string;
}

export interface Coupon {
  id: string;
  object: 'coupon';
  amount_off: number | null;
  created: number;
  currency: string | null;
  duration: string;
  duration_in_months: number | null;
  livemode: boolean;
  max_redemptions: number | null;
  metadata: Metadata;
  name: string | null;
  percent_off: number | null;
  redeem_by: number | null;
  times_redeemed: number;
  valid: boolean;
}

export interface Discount {
  id: string;
  object: 'discount';
  checkout_session: null;
  customer: string | null;
  customer_account: null;
  end: number | null;
  invoice: string | null;
  invoice_item: null;
  promotion_code: null;
  source: { coupon: string; type: string };
  start: number;
  subscription: string | null;
  subscription_item: null;
}
