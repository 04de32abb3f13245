// Stripe's test cards (SANDBOX-NOTES §3): raw numbers and `pm_card_*`/`tok_*` tokens, with their outcomes.
export type Outcome =
  | 'success'
  | 'decline'
  | 'three_ds'
  | 'three_ds_on_setup'
  | 'three_ds_decline'
  | 'dispute'
  | 'charge_fail';

export interface TestCard {
  number: string;
  outcome: Outcome;
  code?: string;
  declineCode?: string;
  /** How to proceed after the decline (`advice_code`): the networks' retry guidance. */
  adviceCode?: 'do_not_try_again' | 'try_again_later' | 'confirm_card_data';
  message?: string;
  dispute?: 'fraudulent' | 'product_not_received' | 'inquiry';
  available?: boolean;
  funding?: string;
  /** What happens to a refund of a charge on this card: `pending` → succeeded later (7726), or `succeeded`
   * first and `failed` later (5126). Other cards refund at once. */
  refund?: 'pending' | 'fail';
}

const DECLINED = 'Your card was declined.';

const CARDS: TestCard[] = [
  { number: '4242424242424242', outcome: 'success' },
  { number: '4000056655665556', outcome: 'success', funding: 'debit' },
  { number: '5555555555554444', outcome: 'success' },
  { number: '2223003122003222', outcome: 'success' },
  { number: '378282246310005', outcome: 'success' },
  { number: '6011111111111117', outcome: 'success' },
  { number: '4000000000000077', outcome: 'success', available: true },
  { number: '4000000000000002', outcome: 'decline', code: 'card_declined', declineCode: 'generic_decline' },
  {
    number: '4000000000009995',
    outcome: 'decline',
    code: 'card_declined',
    declineCode: 'insufficient_funds',
    adviceCode: 'try_again_later',
    message: 'Your card has insufficient funds.',
  },
  {
    number: '4000000000009987',
    outcome: 'decline',
    code: 'card_declined',
    declineCode: 'lost_card',
    adviceCode: 'do_not_try_again',
  },
  {
    number: '4000000000009979',
    outcome: 'decline',
    code: 'card_declined',
    declineCode: 'stolen_card',
    adviceCode: 'do_not_try_again',
  },
  {
    number: '4000000000000069',
    outcome: 'decline',
    code: 'expired_card',
    declineCode: 'expired_card',
    adviceCode: 'confirm_card_data',
    message: 'Your card has expired.',
  },
  {
    number: '4000000000000127',
    outcome: 'decline',
    code: 'incorrect_cvc',
    declineCode: 'incorrect_cvc',
    adviceCode: 'confirm_card_data',
    message: "Your card's security code is incorrect.",
  },
  {
    number: '4000000000000119',
    outcome: 'decline',
    code: 'processing_error',
    declineCode: 'processing_error',
    adviceCode: 'try_again_later',
    message: 'An error occurred while processing your card. Try again in a little bit.',
  },
  {
    number: '4100000000000019',
    outcome: 'decline',
    code: 'card_declined',
    declineCode: 'fraudulent',
    adviceCode: 'do_not_try_again',
  },
  {
    number: '4000000000000341',
    outcome: 'charge_fail',
    code: 'card_declined',
    declineCode: 'generic_decline',
  },
  { number: '4000002500003155', outcome: 'three_ds_on_setup' },
  { number: '4000002760003184', outcome: 'three_ds' },
  { number: '4000000000003220', outcome: 'three_ds' },
  {
    number: '4000008400001629',
    outcome: 'three_ds_decline',
    code: 'card_declined',
    declineCode: 'generic_decline',
  },
  { number: '4000000000000259', outcome: 'dispute', dispute: 'fraudulent' },
  { number: '4000000000002685', outcome: 'dispute', dispute: 'product_not_received' },
  { number: '4000000000001976', outcome: 'dispute', dispute: 'inquiry' },
  { number: '4000000000007726', outcome: 'success', refund: 'pending' },
  { number: '4000000000005126', outcome: 'success', refund: 'fail' },
];

const BY_NUMBER = new Map(CARDS.map((c) => [c.number, c]));

const TOKENS: Record<string, string> = {
  visa: '4242424242424242',
  visa_debit: '4000056655665556',
  mastercard: '5555555555554444',
  amex: '378282246310005',
  discover: '6011111111111117',
  bypassPending: '4000000000000077',
  chargeDeclined: '4000000000000002',
  visa_chargeDeclined: '4000000000000002',
  chargeDeclinedInsufficientFunds: '4000000000009995',
  visa_chargeDeclinedInsufficientFunds: '4000000000009995',
  chargeDeclinedLostCard: '4000000000009987',
  visa_chargeDeclinedLostCard: '4000000000009987',
  chargeDeclinedStolenCard: '4000000000009979',
  visa_chargeDeclinedStolenCard: '4000000000009979',
  chargeDeclinedExpiredCard: '4000000000000069',
  chargeDeclinedIncorrectCvc: '4000000000000127',
  chargeDeclinedProcessingError: '4000000000000119',
  chargeDeclinedFraudulent: '4100000000000019',
  radarBlock: '4100000000000019',
  chargeCustomerFail: '4000000000000341',
  authenticationRequiredOnSetup: '4000002500003155',
  authenticationRequired: '4000002760003184',
  threeDSecure2Required: '4000000000003220',
  threeDSecureRequired: '4000000000003220',
  threeDSecureRequiredChargeDeclined: '4000008400001629',
  createDispute: '4000000000000259',
  createDisputeProductNotReceived: '4000000000002685',
  createDisputeInquiry: '4000000000001976',
  pendingRefund: '4000000000007726',
  refundFail: '4000000000005126',
};

/** `pm_card_visa`, `tok_visa`, `tok_chargeDeclined` … → card number. */
export function tokenNumber(token: string): string | undefined {
  const m = /^(?:pm_card_|tok_)(.+)$/.exec(token);
  return m ? TOKENS[m[1]!] : undefined;
}

export function cardFor(number: string): TestCard {
  return BY_NUMBER.get(number) ?? { number, outcome: 'success' };
}

export function brandOf(number: string): string {
  if (number.startsWith('4')) return 'visa';
  if (/^(5[1-5]|2[2-7])/.test(number)) return 'mastercard';
  if (/^3[47]/.test(number)) return 'amex';
  if (/^6(011|5)/.test(number)) return 'discover';
  return 'unknown';
}

export function luhnValid(number: string): boolean {
  let sum = 0;
  for (let i = 0; i < number.length; i++) {
    let d = Number(number[number.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** Stripe's test bank accounts (routing 110000000). */
export function bankOutcome(
  accountNumber: string,
): { ok: true } | { ok: false; code: string; message: string } {
  switch (accountNumber) {
    case '000111111116':
      return { ok: false, code: 'no_account', message: 'The customer’s bank account could not be located.' };
    case '000111111113':
      return { ok: false, code: 'account_closed', message: 'The customer’s bank account has been closed.' };
    case '000222222227':
      return {
        ok: false,
        code: 'insufficient_funds',
        message: 'The customer’s account has insufficient funds.',
      };
    case '000333333335':
      return {
        ok: false,
        code: 'debit_not_authorized',
        message: 'The customer notified their bank that this payment was unauthorized.',
      };
    default:
      return { ok: true };
  }
}

export const DECLINE_MESSAGE = DECLINED;
