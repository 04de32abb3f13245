import type { Stripe } from './client.ts';

/** The fee's balance transaction and its refunds', expanded: the platform's fee revenue is read from them. */
const FEE_EXPAND = ['balance_transaction', 'refunds.data.balance_transaction'];

/**
 * An application fee (read from the platform, where fees live) with every one of its refunds and their
 * balance transactions. Stripe embeds only the newest 10 refunds (`has_more`); the rest are paged from the
 * fee's refunds list, so a fee refunded more than ten times still gives back every refund.
 */
export async function retrieveApplicationFee(
  stripe: Stripe,
  id: string,
  opts: Stripe.RequestOptions,
): Promise<Stripe.ApplicationFee> {
  const fee = await stripe.applicationFees.retrieve(id, { expand: FEE_EXPAND }, opts);
  if (!fee.refunds?.has_more) return fee;
  const refunds: Stripe.FeeRefund[] = [];
  for await (const r of stripe.applicationFees.listRefunds(
    id,
    { limit: 100, expand: ['data.balance_transaction'] },
    opts,
  ))
    refunds.push(r);
  return { ...fee, refunds: { ...fee.refunds, data: refunds, has_more: false } };
}
