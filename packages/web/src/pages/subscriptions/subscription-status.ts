/** The badge for a subscription status: active, trialing, behind on payment, or over. */
export const subscriptionStatusVariant = (s: string) =>
  s === 'active'
    ? 'success'
    : s === 'trialing'
      ? 'default'
      : s === 'past_due' || s === 'unpaid' || s === 'incomplete'
        ? 'warning'
        : 'outline';

/** Statuses with no renewal to show: never started (its first invoice unpaid) or over. */
export const renews = (s: string) => !['incomplete', 'incomplete_expired', 'canceled'].includes(s);
