// The parameters of the subscription schedule routes. Their shape depends on the request's Stripe-Version:
// `phases[].iterations` was removed in 2025-09-30.clover (`duration` replaces it), so newer versions refuse
// it as an unknown parameter, as Stripe does.
import type { Ctx } from '../../app.ts';
import { API_VERSION } from '../../config.ts';
import { unknownParam } from '../../wire/errors.ts';
import {
  any,
  arr,
  bool,
  type Check,
  decimalNumber,
  enm,
  hash,
  int,
  listParams,
  metadata,
  type Out,
  obj,
  oneOf,
  str,
} from '../../wire/schema.ts';
import { priceDataShape } from '../products/prices.ts';

const ITERATIONS_REMOVED = '2025-09-30';

/** A parameter this endpoint (at this API version) does not have. */
const removed: Check<never> = (_v, path) => {
  throw unknownParam(path);
};

export const dateOrNow = oneOf(enm('now'), int);

const prorationBehavior = enm('always_invoice', 'create_prorations', 'none');

const phaseItem = obj({
  price: str,
  price_data: obj({ ...priceDataShape, product: str }),
  plan: str,
  quantity: int,
  metadata,
  discounts: any,
  tax_rates: any,
  billing_thresholds: any,
});

const phaseFields = {
  add_invoice_items: any,
  application_fee_percent: decimalNumber,
  automatic_tax: hash,
  billing_cycle_anchor: enm('automatic', 'phase_start'),
  billing_thresholds: any,
  collection_method: enm('charge_automatically', 'send_invoice'),
  currency: str,
  default_payment_method: str,
  default_tax_rates: any,
  description: str,
  discounts: any,
  duration: obj({ interval: enm('day', 'week', 'month', 'year'), interval_count: int }, ['interval']),
  end_date: dateOrNow,
  invoice_settings: hash,
  items: arr(phaseItem),
  metadata,
  on_behalf_of: str,
  proration_behavior: prorationBehavior,
  transfer_data: hash,
  trial: bool,
  trial_end: dateOrNow,
};

const defaultSettings = obj({
  application_fee_percent: decimalNumber,
  automatic_tax: hash,
  billing_cycle_anchor: enm('automatic', 'phase_start'),
  billing_thresholds: any,
  collection_method: enm('charge_automatically', 'send_invoice'),
  default_payment_method: str,
  description: str,
  invoice_settings: hash,
  on_behalf_of: str,
  transfer_data: hash,
});

/** Whether the request's API version still has `phases[].iterations`. */
export function acceptsIterations(ctx: Ctx): boolean {
  return (ctx.apiVersion ?? API_VERSION).slice(0, 10) < ITERATIONS_REMOVED;
}

/** `phases[]` of a create (no `start_date`: the schedule's) or an update request. */
function phasesParam(ctx: Ctx, update: boolean) {
  return arr(
    obj(
      {
        ...phaseFields,
        iterations: acceptsIterations(ctx) ? int : removed,
        start_date: update ? dateOrNow : removed,
      },
      ['items'],
    ),
  );
}

export type PhaseParams = NonNullable<NonNullable<Out<ReturnType<typeof phasesParam>>>[number]>;
export type ItemParams = NonNullable<Out<typeof phaseItem>>;
export type DefaultSettingsParams = NonNullable<Out<typeof defaultSettings>>;

export function createShape(ctx: Ctx) {
  return {
    billing_mode: hash,
    customer: str,
    customer_account: str,
    default_settings: defaultSettings,
    end_behavior: enm('release', 'cancel'),
    from_subscription: str,
    metadata,
    pause_schedules: any,
    phases: phasesParam(ctx, false),
    start_date: dateOrNow,
  };
}

export function updateShape(ctx: Ctx) {
  return {
    default_settings: defaultSettings,
    end_behavior: enm('release', 'cancel'),
    metadata,
    pause_schedules: any,
    phases: phasesParam(ctx, true),
    proration_behavior: prorationBehavior,
  };
}

export const listShape = {
  ...listParams,
  customer: str,
  customer_account: str,
  canceled_at: any,
  completed_at: any,
  released_at: any,
  scheduled: bool,
};

export const cancelShape = { invoice_now: bool, prorate: bool };
export const releaseShape = { preserve_cancel_date: bool };
