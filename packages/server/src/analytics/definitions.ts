// Each figure's definition in one sentence, sent with the figures (`definitions`) and shown beside them on the
// dashboard; docs/analytics.md says the same at length.
export const mrrDefinitions = {
  mrr: 'The recurring price of every subscription that is active (or past due but not yet ended or suspended), brought to one month: yearly ÷ 12, weekly × 52 ÷ 12, quantity included, discounts deducted while they apply; trials, free plans, usage charges, one-time charges and tax count 0.',
  arr: '12 × MRR at the end of the period.',
  new: 'MRR of customers who paid for the first time (in this currency).',
  reactivation: 'MRR of customers who had paid before, then paid nothing, and pay again.',
  expansion: "The increase of paying customers' MRR.",
  contraction: "The decrease of paying customers' MRR that stays above 0.",
  churn:
    'MRR of customers whose MRR went to 0, dated when service ended (never at the cancel request); involuntary when it ended for non-payment.',
  ledger:
    'MRR at start + new + reactivation + expansion − contraction − churn = MRR at end, for every period and currency.',
  growth: '(MRR at end − MRR at start) ÷ MRR at start.',
  nrr: 'MRR at the end of the customers who paid at the start ÷ their MRR at the start.',
  grr: '(MRR at start − churn − contraction) ÷ MRR at start.',
  gross_mrr_churn: '(churn + contraction) ÷ MRR at start.',
  net_mrr_churn: '(churn + contraction − expansion − reactivation) ÷ MRR at start.',
  customer_churn:
    'Customers churned in the period and not paying at its end ÷ customers paying at its start; split voluntary and involuntary.',
  arpa: 'MRR at end ÷ customers paying at end, rounded half-up to the minor unit.',
  ltv: 'ARPA ÷ the mean monthly customer churn rate of up to 6 months of the range before the month; none while that mean is 0.',
  cohort:
    "Customers grouped by the period of their first payment; retained customers and MRR at each later period's end.",
  ratios:
    'Exact fractions (numerator, denominator) with the percentage to two decimals, halves away from zero; none when the denominator is 0.',
} as const;
