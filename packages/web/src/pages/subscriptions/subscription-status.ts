/** The badge for a subscription status: active, trialing, behind on payment, or over. */
export const subscriptionStatusVariant = (s: string) =>
  s === 'active'
    ? 'success'
    : s === 'trialing'
      ? 'default'
      : s === 'past_due' || s === 'unpaid'
        ? 'warning'
        : 'outline';
