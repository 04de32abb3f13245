// One row of the endpoint conformance table (endpoint-conformance.test.ts): an endpoint the server calls, the
// server functions calling it, and the call Stripe's API reference example makes.
import type Stripe from 'stripe';
import type { Json } from './fixture-fields.ts';

/** Objects the examples act on, made beforehand (not through the recorded client). */
export interface Made {
  account: Stripe.Account;
  customer: Stripe.Customer;
  paymentMethod: Stripe.PaymentMethod;
  detachable: Stripe.PaymentMethod;
  charge: Stripe.Charge;
  paymentIntent: Stripe.PaymentIntent;
  refund: Stripe.Refund;
  dispute: Stripe.Dispute;
  transfer: string;
  /** the application fee of a destination charge */
  applicationFee: string;
  setupIntent: Stripe.SetupIntent;
  price: Stripe.Price;
  oneTimePrice: Stripe.Price;
  /** a coupon (the reference's example: 25 % off for 3 months) */
  coupon: Stripe.Coupon;
  /** a setup-mode Checkout Session of `customer` */
  setupSession: Stripe.Checkout.Session;
  subscription: Stripe.Subscription;
  spareSubscription: Stripe.Subscription;
  invoice: string;
  /** two open invoices of `customer` (finalized, auto_advance off): one to pay, one to void */
  openInvoices: [string, string, string];
  paymentLink: Stripe.PaymentLink;
  webhookEndpoint: Stripe.WebhookEndpoint;
  /** an authorization code not yet exchanged */
  oauthCode: string;
  /** an account connected through OAuth */
  oauthUser: string;
  clientId: string;
}

export interface Row {
  /** the SDK method, as the server calls it */
  sdk: string;
  method: 'GET' | 'POST' | 'DELETE';
  /** `:id` stands for any one path segment */
  path: string;
  /** the server functions that call it (`file function`, file relative to packages/server/src); empty for an
   * endpoint planned for a part being built, which the server may not call yet */
  usedBy: string[];
  /** fixtures3.json resource of the answer (of each item for a list), or a documented answer */
  resource: string | { name: string; example: Json };
  list?: true;
  /** fields asked for with `expand` that Stripe returns only when expanded */
  expanded?: string[];
  /** what the answer says of the example's parameters */
  echoes?: Json | ((made: Made) => Json);
  /** objects inside the answer, and their fixtures3.json resource */
  inside?: (answer: Json) => [string, unknown][];
  /** the reference page whose example the call follows (docs.stripe.com/…) */
  doc: string;
  call: (stripe: Stripe, made: Made) => Promise<unknown>;
}

// Connect OAuth answers are not API resources; these are the documented example answers.
export const OAUTH_TOKEN: Json = {
  access_token: 'sk_test_x',
  livemode: false,
  refresh_token: 'rt_x',
  token_type: 'bearer',
  stripe_publishable_key: 'pk_test_x',
  stripe_user_id: 'acct_x',
  scope: 'read_write',
};
export const OAUTH_DEAUTHORIZE: Json = { stripe_user_id: 'acct_x' };

export const ORDER = { metadata: { order_id: '6735' } };
