// Balance transactions, transfers and their reversals, application fees and their refunds, as stored.
import type { ListOf, Metadata } from './common.ts';

export interface FeeDetail {
  amount: number;
  application: string | null;
  currency: string;
  description: string;
  type: string;
}

export interface BalanceTransaction {
  id: string;
  object: 'balance_transaction';
  amount: number;
  available_on: number;
  balance_type: string;
  created: number;
  currency: string;
  description: string | null;
  exchange_rate: null;
  fee: number;
  fee_details: FeeDetail[];
  net: number;
  reporting_category: string;
  source: string | null;
  status: string;
  type: string;
}

export interface Balance {
  object: 'balance';
  available: { amount: number; currency: string; source_types: { card: number } }[];
  connect_reserved: { amount: number; currency: string }[];
  livemode: boolean;
  pending: { amount: number; currency: string; source_types: { card: number } }[];
}

export interface TransferReversal {
  id: string;
  object: 'transfer_reversal';
  amount: number;
  balance_transaction: string;
  created: number;
  currency: string;
  destination_payment_refund: null;
  metadata: Metadata;
  source_refund: string | null;
  transfer: string;
}

export interface Transfer {
  id: string;
  object: 'transfer';
  amount: number;
  amount_reversed: number;
  balance_transaction: string;
  created: number;
  currency: string;
  description: string | null;
  destination: string;
  destination_payment: string;
  livemode: boolean;
  metadata: Metadata;
  reversals: ListOf<TransferReversal>;
  reversed: boolean;
  source_transaction: string | null;
  source_type: string;
  transfer_group: string | null;
}

export interface FeeRefund {
  id: string;
  object: 'fee_refund';
  amount: number;
  balance_transaction: string;
  created: number;
  currency: string;
  fee: string;
  metadata: Metadata;
}

export interface ApplicationFee {
  id: string;
  object: 'application_fee';
  account: string;
  amount: number;
  amount_refunded: number;
  application: string;
  balance_transaction: string;
  charge: string;
  created: number;
  currency: string;
  fee_source: { charge: string; type: string };
  livemode: boolean;
  originating_transaction: string | null;
  refunded: boolean;
  refunds: ListOf<FeeRefund>;
}

export interface Payout {
  id: string;
  object: 'payout';
  amount: number;
  application_fee: null;
  application_fee_amount: null;
  arrival_date: number;
  automatic: boolean;
  balance_transaction: string;
  created: number;
  currency: string;
  description: string | null;
  destination: string | null;
  failure_balance_transaction: string | null;
  failure_code: string | null;
  failure_message: string | null;
  livemode: boolean;
  metadata: Metadata;
  method: string;
  original_payout: null;
  payout_method: null;
  reconciliation_status: string;
  reversed_by: null;
  source_type: string;
  statement_descriptor: string | null;
  status: 'pending' | 'in_transit' | 'paid' | 'failed' | 'canceled';
  trace_id: { status: string; value: string | null };
  type: 'bank_account' | 'card';
}
