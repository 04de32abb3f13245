// The fixed text of every e-mail, in English: the reference every other language follows (messages/index.ts).
// Amounts and dates arrive formatted for the locale (Intl); only words live here.

type Outcome = { title: string; text: string };

export const en = {
  common: {
    amount: 'Amount',
    reason: 'Reason',
    account: 'Account',
    invoice: 'Invoice',
    notGiven: 'not given',
    viewPayment: 'View the payment',
    ownerFooter: (tenant: string) => `You receive this e-mail as an owner or admin of ${tenant}.`,
    customerFooter: (tenant: string) => `${tenant} sent you this e-mail about your account with them.`,
  },
  disputeOpened: {
    subject: (amount: string, tenant: string) =>
      `Action required: a ${amount} payment to ${tenant} is disputed`,
    previewDue: (due: string) => `Submit evidence by ${due}.`,
    previewNoDue: 'Review the dispute in your dashboard.',
    heading: 'A payment was disputed',
    body: (amount: string, tenant: string) =>
      `A customer's bank has disputed a ${amount} payment to ${tenant}. The amount and a dispute fee are withdrawn from your balance until the dispute is decided.`,
    evidenceDueBy: 'Evidence due by',
    noEvidence: 'no evidence is requested',
    dispute: 'Dispute',
    submitBefore: (due: string) => `Submit your evidence before ${due}. Without it the dispute is lost.`,
    button: 'Respond to the dispute',
  },
  disputeClosed: {
    outcomes: {
      won: {
        title: 'You won the dispute',
        text: 'The bank decided in your favour: the disputed amount is returned to your balance.',
      },
      lost: {
        title: 'You lost the dispute',
        text: 'The bank decided in the customer\u2019s favour: the disputed amount and the dispute fee are not returned.',
      },
      warning_closed: {
        title: 'The inquiry was closed',
        text: 'The bank closed its inquiry without a dispute. Nothing was withdrawn.',
      },
    } as Record<string, Outcome>,
    otherTitle: 'The dispute was closed',
    otherText: (status: string) => `The dispute ended with the status ${status}.`,
    subject: (title: string, amount: string, tenant: string) => `${title}: ${amount} payment to ${tenant}`,
    outcome: 'Outcome',
  },
  refundFailed: {
    subject: (amount: string, tenant: string) => `A ${amount} refund by ${tenant} failed`,
    preview: 'The money is back in your balance; the customer was not refunded.',
    heading: 'A refund failed',
    body: (amount: string) =>
      `The customer's bank did not take a ${amount} refund. The amount is back in your balance: refund the customer another way, or try again.`,
    refund: 'Refund',
  },
  payoutFailed: {
    subject: (amount: string, tenant: string) =>
      `Action required: a ${amount} payout to ${tenant}'s bank account failed`,
    preview: 'Check the bank account your payouts go to.',
    heading: 'A payout failed',
    body: (amount: string) =>
      `Your bank did not accept a ${amount} payout; the amount is back in your Stripe balance. Check the bank account your payouts go to: further payouts wait until it is fixed.`,
    payout: 'Payout',
    button: 'Open your account settings',
  },
  accountNeedsInformation: {
    subject: (tenant: string) => `Stripe needs more information about ${tenant}`,
    previewBy: (by: string) => `Provide it by ${by} to keep payments and payouts on.`,
    previewNoBy: 'Provide it to keep payments on.',
    heading: 'Your account needs information',
    body: 'Stripe asks for more information about your business. Without it, payments or payouts may be paused.',
    needed: 'Needed',
    seeDashboard: 'see your dashboard',
    dueBy: 'Due by',
    noDeadline: 'no deadline set',
    button: 'Provide the information',
  },
  accountDisabled: {
    subject: (tenant: string) => `Action required: ${tenant}'s Stripe account is disabled`,
    preview: 'Payments or payouts are paused.',
    heading: 'Your Stripe account is disabled',
    body: 'Stripe paused payments or payouts on your account. Customers cannot pay you until it is enabled again.',
    button: 'Open payments setup',
  },
  accountDeauthorized: {
    subject: (tenant: string) => `${tenant}'s Stripe account was disconnected`,
    preview: 'Payments through it stop until an account is connected again.',
    heading: 'Your Stripe account was disconnected',
    body: 'The Stripe account was disconnected from the platform. No payments can be taken until an account is connected again.',
    button: 'Connect an account',
  },
  usageThreshold: {
    subject: (threshold: number, metric: string, tenant: string) =>
      `${tenant} has used ${threshold}% of its ${metric} limit`,
    preview: (used: string, limit: string) => `${used} of ${limit} used this billing period.`,
    heading: (threshold: number, metric: string) => `${threshold}% of your ${metric} limit reached`,
    body: (plan: string, threshold: number) =>
      threshold >= 100
        ? `Your usage has reached the limit of your ${plan} plan for this billing period.`
        : `Your usage is at ${threshold}% of the limit of your ${plan} plan for this billing period.`,
    used: 'Used',
    limit: 'Limit',
    resets: 'Resets on',
    button: 'View your usage',
    metricName: { payment_volume: 'payment volume', seats: 'seats' } as Record<string, string>,
  },
  invoicePaid: {
    subject: (amount: string, tenant: string) => `Invoice paid: ${amount} to ${tenant}`,
    previewWho: (email: string) => `${email} paid.`,
    previewAnon: 'Your customer paid.',
    heading: 'An invoice was paid',
    customer: 'Customer',
    button: 'View your invoices',
  },
  receipt: {
    subject: (tenant: string, number: string | null) =>
      `Your receipt from ${tenant}${number ? ` #${number}` : ''}`,
    preview: (amount: string, tenant: string) => `${amount} paid to ${tenant}.`,
    heading: (tenant: string) => `Receipt from ${tenant}`,
    thanks: (amount: string) => `Thank you for your payment of ${amount}.`,
    totalPaid: 'Total paid',
    paidOn: 'Paid on',
    receiptNumber: 'Receipt number',
    button: 'View your receipt',
  },
  invoiceSent: {
    subject: (tenant: string, amount: string) => `Invoice from ${tenant} for ${amount}`,
    previewDue: (due: string) => `Due by ${due}.`,
    previewPay: (amount: string) => `Pay ${amount} online.`,
    heading: (tenant: string) => `${tenant} sent you an invoice`,
    amountDue: 'Amount due',
    dueBy: 'Due by',
    onReceipt: 'on receipt',
    button: 'Pay the invoice',
  },
  paymentFailed: {
    subject: (amount: string, tenant: string) => `Your ${amount} payment to ${tenant} failed`,
    preview: 'Update your card to keep your account in good standing.',
    heading: 'Your payment failed',
    body: (amount: string, why: string | null) =>
      `We could not charge ${amount} to your card${why ? `: ${why}` : '.'} Please update your payment details.`,
    button: 'Update your card',
    payInvoice: 'Pay the invoice now',
  },
  renewalReminder: {
    subject: (tenant: string, when: string) => `Your ${tenant} subscription renews on ${when}`,
    preview: (amount: string) => `${amount} will be charged.`,
    heading: 'Your subscription renews soon',
    subscription: 'Subscription',
    renewsOn: 'Renews on',
    body: 'Nothing to do if you wish to continue. To change or cancel it, contact us before that date.',
  },
  cardExpiring: {
    card: (brand: string, last4: string) => `${brand} ending in ${last4}`,
    subject: (tenant: string) => `Your card on file with ${tenant} expires soon`,
    preview: (card: string, expiry: string) => `${card} expires ${expiry}.`,
    heading: 'Your card expires soon',
    body: (card: string, expiry: string) =>
      `Your ${card} expires at the end of ${expiry}. Update it to avoid an interruption.`,
    button: 'Update your card',
  },
  dunning: {
    reason: {
      insufficient_funds: 'the card has insufficient funds',
      generic_decline: 'the card was declined',
      do_not_honor: 'the bank declined the payment',
      expired_card: 'the card has expired',
      lost_card: 'the card was reported lost',
      stolen_card: 'the card was reported stolen',
      pickup_card: 'the bank asked for the card to be withdrawn',
      incorrect_number: 'the card number is incorrect',
      incorrect_cvc: "the card's security code is incorrect",
      processing_error: 'the card could not be processed',
      authentication_required: 'the bank requires authentication',
      no_payment_method: 'no payment method is saved',
    } as Record<string, string>,
    reasonOther: 'the payment was declined',
    amount: 'Amount due',
    reasonLabel: 'Reason',
    nextAttempt: 'Next attempt',
    suspendsOn: 'Suspension on',
    button: 'Pay now',
    failedSubject: (amount: string, tenant: string) => `Payment of ${amount} for ${tenant}'s plan failed`,
    failedPreview: (why: string) => `We could not charge your plan's renewal: ${why}.`,
    failedHeading: 'Your plan payment failed',
    failedBody: (amount: string, why: string) =>
      `We could not charge ${amount} for your plan's renewal: ${why}. We will try again with every saved payment method; you can also pay now or add another card.`,
    attemptSubject: (n: number, of: number, tenant: string) =>
      `Payment attempt ${n} of ${of} for ${tenant}'s plan failed`,
    attemptPreview: (next: string | null) =>
      next ? `Next attempt on ${next}.` : 'That was the last attempt.',
    attemptHeading: (n: number, of: number) => `Attempt ${n} of ${of} failed`,
    attemptBody: (amount: string, why: string, next: string | null, suspend: string) =>
      next
        ? `We could not charge ${amount}: ${why}. The next attempt is on ${next}. Pay now to keep full access.`
        : `We could not charge ${amount}: ${why}. That was the last attempt: some features are now restricted, and the account will be suspended on ${suspend} unless the invoice is paid.`,
    suspendedSubject: (tenant: string) => `${tenant}'s account is suspended`,
    suspendedPreview: (amount: string) => `${amount} is still due.`,
    suspendedHeading: 'Your account is suspended',
    suspendedBody: (amount: string) =>
      `Your plan's invoice of ${amount} is still unpaid, so your account is suspended: your data is kept and payments keep flowing, but new invoices, payment links and subscriptions are refused. Pay the invoice to restore full access at once.`,
    recoveredSubject: (tenant: string) => `Payment received: ${tenant}'s account is back in good standing`,
    recoveredPreview: (amount: string) => `${amount} paid.`,
    recoveredHeading: 'Payment received',
    recoveredBody: (amount: string) =>
      `Thank you: ${amount} was paid and your account has full access again.`,
  },
  billingContact: {
    subject: (tenant: string) => `Confirm your address as the billing contact of ${tenant}`,
    preview: 'Open the link to confirm this address.',
    heading: 'Confirm your address',
    body: (tenant: string, hours: number) =>
      `This address was set as the billing contact of ${tenant}. Confirm it to receive its billing e-mails and answers to them. The link works once, for ${hours} hours.`,
    button: 'Confirm this address',
    ignore: 'If you did not expect this, ignore it: nothing changes.',
    footer: (tenant: string) =>
      `You receive this e-mail because this address was entered as the billing contact of ${tenant}.`,
  },
};

/** The shape every language's messages have. */
export type Messages = typeof en;
