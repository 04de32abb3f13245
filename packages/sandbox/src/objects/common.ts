// Shapes shared by the stored objects. The objects themselves are what the API returns (Stripe's fields,
// `2026-10-28.endive`); a field typed `unknown` holds client data the sandbox passes through unread.

/** What every stored object has. */
export interface StripeObject {
  id: string;
  object: string;
}

export type Metadata = Record<string, string>;

export interface Address {
  city: unknown;
  country: unknown;
  line1: unknown;
  line2: unknown;
  postal_code: unknown;
  state: unknown;
}

export interface BillingDetails {
  address: Address;
  email: unknown;
  name: unknown;
  phone: unknown;
  tax_id: unknown;
}

export interface Shipping {
  address: Address | null;
  name: unknown;
  phone: unknown;
}

export interface Period {
  start: number;
  end: number;
}

/** A list embedded in an object (`lines`, `items`, `refunds`, …). */
export interface ListOf<T> {
  object: 'list';
  data: T[];
  has_more: boolean;
  url: string;
  total_count?: number;
}

export interface DiscountAmount {
  amount: number;
  discount: string;
}

/** The redirect or SDK step of a PaymentIntent or SetupIntent in `requires_action`. */
export interface NextAction {
  type: 'redirect_to_url' | 'use_stripe_sdk';
  redirect_to_url?: { return_url: string; url: string };
  use_stripe_sdk?: { type: string; stripe_js: string; source?: string };
}
