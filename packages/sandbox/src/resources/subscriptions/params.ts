// The parameters of the subscription routes: their shapes, and the create parameters turned into the
// input of createSubscriptionFor (also what Checkout builds from a session).
import type { Ctx } from '../../app.ts';
import { invalidRequest } from '../../wire/errors.ts';
import {
  any,
  arr,
  bool,
  decimalNumber,
  enm,
  hash,
  int,
  isPlain,
  mergeMetadata,
  metadata,
  type Out,
  obj,
  oneOf,
  type Params,
  str,
  type Valid,
} from '../../wire/schema.ts';
import { type DiscountsParam, discountsParam } from '../coupons.ts';
import { priceDataShape, requirePrice } from '../products/prices.ts';
import { recurringPrice } from './model.ts';

export interface SubscriptionInput {
  customer: string;
  items: { price: string; quantity: number; metadata?: Record<string, string> }[];
  default_payment_method: string | null;
  application_fee_percent: number | null;
  trial_period_days: number | null;
  trial_end?: number | null;
  metadata: Record<string, string>;
  description: string | null;
  payment_behavior: string;
  off_session: boolean;
  collection_method?: string;
  days_until_due?: number | null;
  cancel_at_period_end?: boolean;
  cancel_at?: number | null;
  discounts?: DiscountsParam;
  transfer_data?: Params | null;
  on_behalf_of?: string | null;
  missing_payment_method?: string | null;
  billing_mode?: 'classic' | 'flexible';
  /** The subscription schedule creating it. */
  schedule?: string | null;
}

export const itemUpdateShape = obj({
  id: str,
  price: str,
  price_data: obj({ ...priceDataShape, product: str }),
  plan: str,
  quantity: int,
  deleted: bool,
  metadata,
  clear_usage: bool,
  discounts: any,
  tax_rates: any,
  billing_thresholds: any,
});

export const updateShape = {
  add_invoice_items: any,
  application_fee_percent: decimalNumber,
  automatic_tax: hash,
  billing_cycle_anchor: enm('now', 'unchanged'),
  billing_thresholds: any,
  cancel_at: any,
  cancel_at_period_end: bool,
  cancellation_details: obj({ comment: str, feedback: str }),
  collection_method: enm('charge_automatically', 'send_invoice'),
  days_until_due: int,
  default_payment_method: str,
  default_source: str,
  default_tax_rates: any,
  description: str,
  discounts: discountsParam,
  invoice_settings: hash,
  items: arr(itemUpdateShape),
  metadata,
  off_session: bool,
  on_behalf_of: str,
  pause_collection: obj({ behavior: enm('keep_as_draft', 'mark_uncollectible', 'void'), resumes_at: int }, [
    'behavior',
  ]),
  payment_behavior: enm(
    'allow_incomplete',
    'default_incomplete',
    'error_if_incomplete',
    'pending_if_incomplete',
  ),
  payment_settings: hash,
  pending_invoice_item_interval: any,
  proration_behavior: enm('always_invoice', 'create_prorations', 'none'),
  proration_date: int,
  transfer_data: any,
  trial_end: oneOf(enm('now'), int),
  trial_from_plan: bool,
  trial_settings: hash,
};

export const createShape = {
  ...updateShape,
  customer: str,
  customer_account: str,
  currency: str,
  backdate_start_date: int,
  billing_cycle_anchor: int,
  billing_cycle_anchor_config: hash,
  billing_mode: hash,
  trial_period_days: int,
  items: arr(itemUpdateShape),
  expand: any,
};

/** `POST /v1/subscriptions` params (validated, with their items) as the input of createSubscriptionFor. */
/** One `items[]` entry, validated. */
export type ItemParams = NonNullable<Out<typeof itemUpdateShape>>;

/** `items[]` as validated; an empty entry (`items[0]=`) is an item with nothing set. */
export function itemParams(raw: (ItemParams | null)[]): ItemParams[] {
  return raw.map((li) => li ?? {});
}

export function subscriptionInput(
  ctx: Ctx,
  p: Valid<typeof createShape, 'customer'>,
  raw: ItemParams[],
): SubscriptionInput {
  const items = raw.map((li, n) => ({
    price: recurringPrice(ctx, li, n, 'items', true).id,
    quantity: li.quantity ?? 1,
    metadata: mergeMetadata({}, li.metadata),
  }));
  const trialFromPlan = p.trial_from_plan
    ? (requirePrice(ctx, items[0]!.price).recurring?.trial_period_days ?? null)
    : null;
  return {
    customer: p.customer,
    items,
    default_payment_method: p.default_payment_method ?? null,
    application_fee_percent: p.application_fee_percent == null ? null : Number(p.application_fee_percent),
    trial_period_days: p.trial_period_days ?? trialFromPlan,
    trial_end: typeof p.trial_end === 'number' ? p.trial_end : null,
    metadata: mergeMetadata({}, p.metadata),
    description: p.description ?? null,
    payment_behavior: p.payment_behavior ?? 'allow_incomplete',
    off_session: p.off_session === true,
    collection_method: p.collection_method ?? 'charge_automatically',
    days_until_due: p.days_until_due ?? null,
    cancel_at_period_end: p.cancel_at_period_end ?? false,
    cancel_at: typeof p.cancel_at === 'number' ? p.cancel_at : p.cancel_at ? Number(p.cancel_at) : null,
    discounts: p.discounts,
    transfer_data: isPlain(p.transfer_data) ? p.transfer_data : null,
    on_behalf_of: p.on_behalf_of ?? null,
    missing_payment_method: missingPaymentMethod(p.trial_settings),
    billing_mode: billingMode(p.billing_mode),
  };
}

/** `billing_mode[type]`: `classic` or `flexible` (Stripe's default). */
function billingMode(mode: Params | null | undefined): 'classic' | 'flexible' {
  const type = mode?.type;
  if (type === undefined || type === 'flexible') return 'flexible';
  if (type === 'classic') return 'classic';
  throw invalidRequest(
    `Invalid billing_mode[type]: must be one of classic or flexible.`,
    'billing_mode[type]',
  );
}

/** `trial_settings[end_behavior][missing_payment_method]`, from the free-form `trial_settings` hash. */
function missingPaymentMethod(settings: Params | null | undefined): string | null {
  const behavior = settings?.end_behavior;
  const value = isPlain(behavior) ? behavior.missing_payment_method : undefined;
  return typeof value === 'string' ? value : null;
}
