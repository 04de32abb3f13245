import type { Enforcement, Plan, PlanInterval, PlanParams } from '@/api/plans';
import { formatMajor, parseMoney } from '@/lib/money';

// The plan editor's fields as typed (amounts in major units, lists as text) and the API body made from them.
// Every typed amount goes through parseMoney, in its own currency.

export interface PriceRow {
  currency: string;
  interval: PlanInterval;
  amount: string;
}
export interface LimitRow {
  metric: string;
  /** payment_volume only: the limit is money in this currency */
  currency: string;
  limit: string;
  enforcement: Enforcement;
  overage: string;
}
export interface PlanForm {
  name: string;
  lookupKey: string;
  description: string;
  trialDays: string;
  prices: PriceRow[];
  limits: LimitRow[];
  /** the features included, comma separated */
  features: string;
  thresholds: string;
  isPublic: boolean;
  isDefault: boolean;
}

export const MONEY_METRIC = 'payment_volume';

export const emptyForm: PlanForm = {
  name: '',
  lookupKey: '',
  description: '',
  trialDays: '0',
  prices: [{ currency: 'usd', interval: 'month', amount: '' }],
  limits: [],
  features: '',
  thresholds: '80, 100',
  isPublic: true,
  isDefault: false,
};

export function formOf(plan: Plan): PlanForm {
  return {
    name: plan.name,
    lookupKey: plan.lookup_key,
    description: plan.description ?? '',
    trialDays: String(plan.trial_days),
    prices: plan.prices
      .filter((p) => p.active)
      .map((p) => ({
        currency: p.currency,
        interval: p.interval,
        amount: formatMajor(p.unit_amount, p.currency),
      })),
    limits: plan.limits.map((l) => ({
      metric: l.metric,
      currency: l.currency ?? '',
      limit: l.currency ? formatMajor(l.limit, l.currency) : String(l.limit),
      enforcement: l.enforcement,
      overage: l.overage_unit_amount_decimal ?? '',
    })),
    features: Object.entries(plan.features)
      .filter(([, on]) => on)
      .map(([k]) => k)
      .join(', '),
    thresholds: plan.thresholds.join(', '),
    isPublic: plan.public,
    isDefault: plan.is_default,
  };
}

const list = (text: string) =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** The body the form makes, or what is wrong with it (said before anything is sent). */
export function bodyOf(form: PlanForm, before: Plan | null): PlanParams | string {
  if (!form.name.trim()) return 'Name: required.';
  if (!/^[a-z0-9][a-z0-9_-]{0,63}$/.test(form.lookupKey))
    return 'Lookup key: lowercase letters, digits, _ and - (for example "pro").';
  const trialDays = Number(form.trialDays);
  if (!/^\d+$/.test(form.trialDays.trim()) || trialDays > 730)
    return 'Trial days: a whole number from 0 to 730.';
  const prices: NonNullable<PlanParams['prices']> = [];
  for (const [i, p] of form.prices.entries()) {
    const amount = parseMoney(p.amount, p.currency);
    if (amount === null)
      return `Price ${i + 1}: "${p.amount}" is not an amount in ${p.currency.toUpperCase()}.`;
    prices.push({ currency: p.currency, interval: p.interval, unit_amount: amount });
  }
  const limits: NonNullable<PlanParams['limits']> = [];
  for (const [i, l] of form.limits.entries()) {
    const money = l.metric === MONEY_METRIC;
    const limit = money
      ? parseMoney(l.limit, l.currency)
      : /^\d+$/.test(l.limit.trim())
        ? Number(l.limit)
        : null;
    if (limit === null)
      return `Limit ${i + 1}: "${l.limit}" is not ${money ? `an amount in ${l.currency.toUpperCase()}` : 'a whole number'}.`;
    limits.push({
      metric: l.metric.trim(),
      limit,
      enforcement: l.enforcement,
      ...(money ? { currency: l.currency } : {}),
      ...(l.enforcement === 'soft' && l.overage.trim()
        ? { overage_unit_amount_decimal: l.overage.trim() }
        : {}),
    });
  }
  const thresholds = list(form.thresholds).map(Number);
  if (thresholds.length === 0 || thresholds.some((t) => !Number.isInteger(t)))
    return 'Thresholds: whole percentages, for example "80, 100".';
  const on = list(form.features);
  // features the plan had and the form leaves out stay known, turned off
  const features = Object.fromEntries([
    ...Object.keys(before?.features ?? {}).map((k) => [k, false] as const),
    ...on.map((k) => [k, true] as const),
  ]);
  return {
    name: form.name.trim(),
    lookup_key: form.lookupKey,
    description: form.description.trim() || null,
    trial_days: trialDays,
    prices,
    limits,
    features,
    thresholds,
    public: form.isPublic,
    is_default: form.isDefault,
  };
}
