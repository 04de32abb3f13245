// A customer's invoice-balance ledger entry (`customer_balance_transaction`), as stored.
import type { Metadata } from './common.ts';

export type CustomerBalanceType =
  | 'adjustment'
  | 'applied_to_invoice'
  | 'credit_note'
  | 'initial'
  | 'invoice_overpaid'
  | 'invoice_too_large'
  | 'invoice_too_small'
  | 'migration'
  | 'unapplied_from_invoice'
  | 'unspent_receiver_credit';

export interface CustomerBalanceTransaction {
  id: string;
  object: 'customer_balance_transaction';
  amount: number;
  checkout_session: string | null;
  created: number;
  credit_note: string | null;
  currency: string;
  customer: string;
  customer_account: string | null;
  description: string | null;
  ending_balance: number;
  invoice: string | null;
  livemode: false;
  metadata: Metadata;
  type: CustomerBalanceType;
}
