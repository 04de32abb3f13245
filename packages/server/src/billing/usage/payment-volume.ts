import { and, eq } from 'drizzle-orm';
import { decimalsOf } from '../../currency.ts';
import type { Tx } from '../../db/client.ts';
import { currencyRates, usageEvents } from '../../db/schema/index.ts';
import { billingOf } from '../core.ts';
import type { UsageDeps, UsageOutcome } from './metrics.ts';
import { recordUsageInTx } from './record.ts';
import { termsOf } from './terms.ts';

// The built-in `payment_volume` metric: succeeded payments minus succeeded refunds, in minor units of the
// tenant's plan currency. Another currency is converted at the operator's rate (currency_rates, decimal
// exact) or, with none, counted apart as excluded (`payment_volume@<currency>`, in its own minor units) and
// shown as such by the entitlements.

/** The summary metric of payment volume in a currency with no rate to the plan's. */
export const excludedMetric = (currency: string) => `payment_volume@${currency.toLowerCase()}`;

/**
 * `amount` minor units of `from` in minor units of `to` at `rate` (major units of `to` per major unit of
 * `from`, a decimal string), rounded half away from zero; null when the rate is not a positive decimal.
 */
export function convertMinor(amount: number, from: string, to: string, rate: string): number | null {
  const m = /^(\d+)(?:\.(\d+))?$/.exec(rate.trim());
  if (!m) return null;
  const frac = m[2] ?? '';
  const num = BigInt(m[1]! + frac);
  if (num === 0n) return null;
  const shift = decimalsOf(to) - decimalsOf(from) - frac.length;
  let n = BigInt(Math.abs(amount)) * num;
  let d = 1n;
  if (shift >= 0) n *= 10n ** BigInt(shift);
  else d = 10n ** BigInt(-shift);
  const q = (n * 2n + d) / (2n * d);
  // an absurd rate must not make a number Postgres's bigint refuses (the payment's webhook would fail with it)
  const safe = q > BigInt(Number.MAX_SAFE_INTEGER) ? BigInt(Number.MAX_SAFE_INTEGER) : q;
  return Number(amount < 0 ? -safe : safe);
}

export interface PaymentVolumeChange {
  tenantId: string;
  /** `payment:<ch_…>` or `refund:<re_…>`: a replayed event counts once */
  id: string;
  /** minor units of `currency`; negative for a refund */
  amount: number;
  currency: string;
  occurredAt: Date;
  source: 'payment' | 'refund';
}

/** Counts a payment that succeeded or a refund that did, in the caller's tenant transaction. */
export async function recordPaymentVolume(
  tx: Tx,
  deps: UsageDeps,
  p: PaymentVolumeChange,
): Promise<UsageOutcome> {
  const row = await billingOf(tx, p.tenantId);
  if (!row) return 'no_plan';
  const terms = await termsOf(tx, row);
  const target = row.currency ?? terms?.limits.get('payment_volume')?.currency ?? null;
  const from = p.currency.toLowerCase();
  let quantity: number | null = null;
  if (target && target === from) quantity = p.amount;
  else if (target) {
    const [rate] = await tx
      .select({ rate: currencyRates.rate })
      .from(currencyRates)
      .where(and(eq(currencyRates.from, from), eq(currencyRates.to, target)));
    quantity = rate ? convertMinor(p.amount, from, target, rate.rate) : null;
  }
  const event = {
    id: p.id,
    metric: quantity === null ? excludedMetric(from) : 'payment_volume',
    quantity: quantity ?? p.amount,
    occurredAt: p.occurredAt,
    source: p.source,
  };
  const [outcome] = await recordUsageInTx(tx, deps, p.tenantId, [event]);
  return outcome!;
}

/**
 * A refund counted when it succeeded that failed since (Stripe gives the money back to the charge): its
 * amount comes back to the volume, as counted then (same metric, same converted quantity), once.
 */
export async function reverseRefundVolume(
  tx: Tx,
  deps: UsageDeps,
  r: { tenantId: string; refundId: string; occurredAt: Date },
): Promise<UsageOutcome | null> {
  const [counted] = await tx
    .select({ metric: usageEvents.metric, quantity: usageEvents.quantity })
    .from(usageEvents)
    .where(and(eq(usageEvents.tenantId, r.tenantId), eq(usageEvents.id, `refund:${r.refundId}`)));
  if (!counted || counted.quantity >= 0) return null;
  const [outcome] = await recordUsageInTx(tx, deps, r.tenantId, [
    {
      id: `refund:${r.refundId}:failed`,
      metric: counted.metric,
      quantity: -counted.quantity,
      occurredAt: r.occurredAt,
      source: 'refund',
    },
  ]);
  return outcome!;
}
