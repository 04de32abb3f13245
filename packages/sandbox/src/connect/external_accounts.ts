// External (payout) bank accounts on connected accounts: test tokens or raw test numbers.

import { createHash } from 'node:crypto';
import type { BankAccount } from '../objects/connect.ts';
import { invalidRequest } from '../wire/errors.ts';
import { newId } from '../wire/ids.ts';
import { isPlain } from '../wire/schema.ts';

const fingerprintOf = (routing: string, number: string) =>
  createHash('sha256').update(`${routing}/${number}`).digest('hex').slice(0, 16);

/** Stripe's US test account numbers whose payouts fail, and the failure code each gives. */
const FAILING_NUMBERS: Record<string, string> = {
  '000111111116': 'no_account',
  '000111111113': 'account_closed',
  '000222222227': 'insufficient_funds',
  '000333333335': 'debit_not_authorized',
  '000444444440': 'invalid_currency',
};

/** The failure code payouts to this bank account get (its number is known by its fingerprint), or null. */
export function payoutFailureOf(ba: BankAccount): string | null {
  for (const [number, code] of Object.entries(FAILING_NUMBERS)) {
    if (number.endsWith(ba.last4) && fingerprintOf(ba.routing_number, number) === ba.fingerprint) return code;
  }
  return null;
}

export function bankAccount(accountId: string, input: unknown): BankAccount {
  let routing = '110000000';
  let number = '000123456789';
  let holder: string | null = null;
  let holderType: string | null = null;
  if (typeof input === 'string') {
    if (!/^btok_/.test(input))
      throw invalidRequest(`No such token: '${input}'`, 'external_account', 'resource_missing');
  } else if (isPlain(input)) {
    const b = input;
    const text = (v: unknown) => (v === undefined || v === null ? undefined : String(v));
    if (!b.account_number)
      throw invalidRequest(
        'Missing required param: external_account[account_number].',
        'external_account[account_number]',
        'parameter_missing',
      );
    routing = text(b.routing_number) ?? routing;
    number = String(b.account_number);
    holder = text(b.account_holder_name) ?? null;
    holderType = text(b.account_holder_type) ?? null;
  }
  return {
    id: newId('ba'),
    object: 'bank_account',
    account: accountId,
    account_holder_name: holder,
    account_holder_type: holderType,
    account_type: null,
    available_payout_methods: ['standard'],
    bank_name: 'STRIPE TEST BANK',
    country: 'US',
    currency: 'usd',
    customer: null,
    default_for_currency: true,
    fingerprint: fingerprintOf(routing, number),
    future_requirements: { currently_due: [], errors: [], past_due: [], pending_verification: [] },
    last4: number.slice(-4),
    metadata: {},
    requirements: { currently_due: [], errors: [], past_due: [], pending_verification: [] },
    routing_number: routing,
    status: 'new',
  };
}
