import type { Enforcement, PlanInterval } from '../../db/schema/index.ts';
import { ApiError } from '../../http/errors.ts';
import { gaugeMetrics } from '../usage/metrics.ts';
import type { OveragePriceRow, PlanFull, PlanLimitRow, PlanPriceRow } from './repo.ts';
import { MONEY_METRIC, type PlanUpdateBody } from './schemas.ts';

// What a plan body changes, worked out without saving: the same diff feeds the save and the preview.

export interface DesiredPrice {
  currency: string;
  interval: PlanInterval;
  unitAmount: number;
}
export interface DesiredLimit {
  metric: string;
  currency: string;
  limit: number;
  enforcement: Enforcement;
  overageUnitAmountDecimal: string | null;
}
export interface DesiredOverage {
  metric: string;
  currency: string;
  interval: PlanInterval;
  limit: number;
  unitAmountDecimal: string;
}

export interface PlanDiff {
  prices: {
    currency: string;
    interval: PlanInterval;
    change: 'added' | 'changed' | 'removed' | 'unchanged';
    old: PlanPriceRow | null;
    newAmount: number | null;
  }[];
  /** the prices to make (added and changed) */
  addPrices: DesiredPrice[];
  /** the active rows to supersede (changed and removed) */
  supersede: PlanPriceRow[];
  limits: DesiredLimit[] | null;
  limitsChanged: boolean;
  limitRows: { metric: string; currency: string; old: PlanLimitRow | null; new: DesiredLimit | null }[];
  addOverage: DesiredOverage[];
  dropOverage: OveragePriceRow[];
  featuresAdded: string[];
  featuresRemoved: string[];
  /** free after the change: no price above zero */
  free: boolean;
}

const key = (...parts: string[]) => parts.join('/');

export function desiredLimits(body: PlanUpdateBody['limits']): DesiredLimit[] | null {
  return body
    ? body.map((l) => ({
        metric: l.metric,
        currency: l.currency ?? '',
        limit: l.limit,
        enforcement: l.enforcement,
        overageUnitAmountDecimal: l.overage_unit_amount_decimal ?? null,
      }))
    : null;
}

const sameLimit = (a: PlanLimitRow | DesiredLimit, b: PlanLimitRow | DesiredLimit) =>
  a.limit === b.limit &&
  a.enforcement === b.enforcement &&
  (a.overageUnitAmountDecimal ?? null) === (b.overageUnitAmountDecimal ?? null);

/** The overage prices a plan needs: one per soft limit with a rate and per price it is sold at. */
function desiredOverage(prices: DesiredPrice[], limits: DesiredLimit[]): DesiredOverage[] {
  const out: DesiredOverage[] = [];
  for (const l of limits) {
    if (l.enforcement !== 'soft' || l.overageUnitAmountDecimal === null) continue;
    for (const p of prices) {
      if (l.currency !== '' && l.currency !== p.currency) continue;
      out.push({
        metric: l.metric,
        currency: p.currency,
        interval: p.interval,
        // a limit is per month: a yearly subscription's period holds twelve (a gauge is a count, not a sum)
        limit: p.interval === 'year' && !gaugeMetrics.has(l.metric) ? l.limit * 12 : l.limit,
        unitAmountDecimal: l.overageUnitAmountDecimal,
      });
    }
  }
  return out;
}

/** Checks the plan as it would be after the change: the rules between its prices and limits. */
function checkWhole(prices: DesiredPrice[], limits: DesiredLimit[]): void {
  const currencies = new Set(prices.map((p) => p.currency));
  const money = limits.filter((l) => l.metric === MONEY_METRIC);
  if (money.length === 0) return;
  for (const c of currencies)
    if (!money.some((l) => l.currency === c))
      throw new ApiError(
        'parameter_invalid',
        `A ${MONEY_METRIC} limit in ${c.toUpperCase()} is missing: the plan needs one per price currency.`,
        { param: 'limits' },
      );
  for (const l of money)
    if (currencies.size > 0 && !currencies.has(l.currency))
      throw new ApiError('parameter_invalid', `The plan has no price in ${l.currency.toUpperCase()}.`, {
        param: 'limits',
      });
}

export function diffPlan(full: PlanFull, body: PlanUpdateBody): PlanDiff {
  const active = full.prices.filter((p) => p.active);
  const desired: DesiredPrice[] = body.prices
    ? body.prices.map((p) => ({ currency: p.currency, interval: p.interval, unitAmount: p.unit_amount }))
    : active.map((p) => ({ currency: p.currency, interval: p.interval, unitAmount: p.unitAmount }));
  const prices: PlanDiff['prices'] = [];
  const addPrices: DesiredPrice[] = [];
  const supersede: PlanPriceRow[] = [];
  const byKey = new Map(active.map((p) => [key(p.currency, p.interval), p]));
  for (const d of desired) {
    const old = byKey.get(key(d.currency, d.interval)) ?? null;
    byKey.delete(key(d.currency, d.interval));
    const change = !old ? 'added' : old.unitAmount === d.unitAmount ? 'unchanged' : 'changed';
    prices.push({ currency: d.currency, interval: d.interval, change, old, newAmount: d.unitAmount });
    if (change !== 'unchanged') addPrices.push(d);
    if (old && change === 'changed') supersede.push(old);
  }
  for (const old of byKey.values()) {
    prices.push({ currency: old.currency, interval: old.interval, change: 'removed', old, newAmount: null });
    supersede.push(old);
  }

  const limits = desiredLimits(body.limits);
  const after = limits ?? full.limits;
  checkWhole(desired, after);
  const limitRows: PlanDiff['limitRows'] = [];
  const oldLimits = new Map(full.limits.map((l) => [key(l.metric, l.currency), l]));
  let limitsChanged = false;
  if (limits) {
    for (const l of limits) {
      const old = oldLimits.get(key(l.metric, l.currency)) ?? null;
      oldLimits.delete(key(l.metric, l.currency));
      if (!old || !sameLimit(old, l)) limitsChanged = true;
      limitRows.push({ metric: l.metric, currency: l.currency, old, new: l });
    }
    for (const old of oldLimits.values()) {
      limitsChanged = true;
      limitRows.push({ metric: old.metric, currency: old.currency, old, new: null });
    }
  }

  const free = desired.every((p) => p.unitAmount === 0);
  const wanted = free ? [] : desiredOverage(desired, after);
  const current = full.overage.filter((o) => o.active);
  const have = new Map(current.map((o) => [key(o.metric, o.currency, o.interval), o]));
  const addOverage: DesiredOverage[] = [];
  for (const w of wanted) {
    const k = key(w.metric, w.currency, w.interval);
    const old = have.get(k);
    if (old && old.limit === w.limit && old.unitAmountDecimal === w.unitAmountDecimal) have.delete(k);
    else addOverage.push(w);
  }
  const dropOverage = [...have.values()];

  const oldFeatures = Object.entries(full.plan.features)
    .filter(([, on]) => on)
    .map(([k]) => k);
  const newFeatures = body.features
    ? Object.entries(body.features)
        .filter(([, on]) => on)
        .map(([k]) => k)
    : oldFeatures;
  return {
    prices,
    addPrices,
    supersede,
    limits,
    limitsChanged,
    limitRows,
    addOverage,
    dropOverage,
    featuresAdded: newFeatures.filter((f) => !oldFeatures.includes(f)).sort(),
    featuresRemoved: oldFeatures.filter((f) => !newFeatures.includes(f)).sort(),
    free,
  };
}
