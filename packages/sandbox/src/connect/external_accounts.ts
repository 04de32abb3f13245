// External (payout) bank accounts on connected accounts: test tokens or raw test numbers.

import { createHash } from 'node:crypto';
import type { BankAccount } from '../objects/connect.ts';
import { invalidRequest } from '../wire/errors.ts';
import { newId } from '../wire/ids.ts';
import { isPlain } from '../wire/schema.ts';

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
    fingerprint: createHash('sha256').update(`${routing}/${number}`).digest('hex').slice(0, 16),
    future_requirements: { currently_due: [], errors: [], past_due: [], pending_verification: [] },
    last4: number.slice(-4),
    metadata: {},
    requirements: { currently_due: [], errors: [], past_due: [], pending_verification: [] },
    routing_number: routing,
    status: 'new',
  };
}
