// Customers, PaymentMethods, PaymentIntents, SetupIntents, charges, refunds and disputes as stored.

import type { Address, BillingDetails, Metadata, NextAction, Shipping } from './common.ts';
import type { BalanceTransaction } from './money.ts';
import type { Discount } from './products.ts';

export interface CustomerInvoiceSettings {
  custom_fields: unknown;
  default_payment_method: string | null;
  footer: unknown;
  rendering_options: unknown;
}

export interface Customer {
  id: string;
  object: 'customer';
  address: Address | null;
  balance: number;
  created: number;
  currency: string | null;
  customer_account: string | null;
  default_source: string | null;
  delinquent: boolean;
  description: string | null;
  discount: Discount | null;
  email: string | null;
  invoice_prefix: string;
  invoice_settings: CustomerInvoiceSettings;
  livemode: boolean;
  metadata: Metadata;
  name: string | null;
  next_invoice_sequence: number;
  phone: string | null;
  preferred_locales: (string | null)[];
  shipping: Shipping | null;
  tax_exempt: string | null;
  test_clock: string | null;
}

export interface PmCard {
  brand: string;
  checks: { address_line1_check: null; address_postal_code_check: null; cvc_check: string | null };
  country: string;
  display_brand: string;
  exp_month: number;
  exp_year: number;
  fingerprint: string;
  funding: string;
  generated_from: null;
  last4: string;
  networks: { available: string[]; preferred: null };
  regulated_status: string;
  three_d_secure_usage: { supported: boolean };
  wallet: null;
}

export interface PmBankAccount {
  account_holder_type: string;
  account_type: string;
  bank_name: string;
  financial_connections_account: null;
  fingerprint: string;
  last4: string;
  networks: { preferred: string; supported: string[] };
  routing_number: string;
  status_details: null;
}

export interface PaymentMethod {
  id: string;
  object: 'payment_method';
  allow_redisplay: string;
  billing_details: BillingDetails;
  /** Token clones share one frozen hash per card number; an update replaces it. */
  card?: Readonly<PmCard>;
  created: number;
  customer: string | null;
  customer_account: null;
  livemode: boolean;
  metadata: Metadata;
  type: string;
  us_bank_account?: PmBankAccount;
}

/** `last_payment_error` / `last_setup_error`: a decline carries the charge and the network fields. */
export interface PaymentError {
  advice_code?: string | null;
  charge?: string;
  code: string;
  decline_code?: string | null;
  doc_url: string | null;
  message: string;
  network_advice_code?: null;
  network_decline_code?: null;
  param?: null;
  payment_method: PaymentMethod;
  payment_method_type: string;
  type: string;
}

export interface PaymentIntent {
  id: string;
  object: 'payment_intent';
  amount: number;
  amount_capturable: number;
  amount_details: object;
  amount_received: number;
  application: string | null;
  application_fee_amount: number | null;
  automatic_payment_methods: { allow_redirects: string; enabled: boolean } | null;
  canceled_at: number | null;
  cancellation_reason: string | null;
  capture_method: string | null;
  client_secret: string;
  confirmation_method: string;
  created: number;
  currency: string;
  customer: string | null;
  customer_account: null;
  description: string | null;
  excluded_payment_method_types: (string | null)[] | null;
  last_payment_error: PaymentError | null;
  latest_charge: string | null;
  livemode: boolean;
  managed_payments: null;
  metadata: Metadata;
  next_action: NextAction | null;
  on_behalf_of: string | null;
  payment_method: string | null;
  payment_method_configuration_details: null;
  payment_method_options: object;
  payment_method_types: (string | null)[];
  processing: null;
  receipt_email: string | null;
  review: null;
  setup_future_usage: string | null;
  shipping: unknown;
  source: null;
  statement_descriptor: string | null;
  statement_descriptor_suffix: string | null;
  status: string;
  transfer_data: { amount?: number; destination: string } | null;
  transfer_group: string | null;
}

export interface SetupIntent {
  id: string;
  object: 'setup_intent';
  application: null;
  automatic_payment_methods: { allow_redirects: string; enabled: boolean } | null;
  cancellation_reason: string | null;
  client_secret: string;
  created: number;
  customer: string | null;
  customer_account: null;
  description: string | null;
  excluded_payment_method_types: (string | null)[] | null;
  flow_directions: (string | null)[] | null;
  last_setup_error: PaymentError | null;
  latest_attempt: null;
  livemode: boolean;
  mandate: null;
  metadata: Metadata;
  next_action: NextAction | null;
  on_behalf_of: string | null;
  payment_method: string | null;
  payment_method_configuration_details: null;
  payment_method_options: object;
  payment_method_types: (string | null)[];
  single_use_mandate: null;
  status: string;
  usage: string;
}

export interface ChargeCard {
  amount_authorized: number;
  authorization_code: null;
  brand: string;
  checks: PmCard['checks'];
  country: string;
  exp_month: number;
  exp_year: number;
  extended_authorization: { status: string };
  fingerprint: string;
  funding: string;
  incremental_authorization: { status: string };
  installments: null;
  last4: string;
  mandate: null;
  multicapture: { status: string };
  network: string;
  network_token: { used: boolean };
  network_transaction_id: null;
  overcapture: { maximum_amount_capturable: number; status: string };
  regulated_status: string;
  three_d_secure: object | null;
  transaction_link_id: null;
  wallet: null;
}

export interface PaymentMethodDetails {
  type: string;
  card?: ChargeCard;
  us_bank_account?: object;
  stripe_account?: object;
}

export interface ChargeOutcome {
  advice_code: string | null;
  network_advice_code: null;
  network_decline_code: null;
  network_status: string;
  reason: string | null;
  risk_level: string;
  risk_score: number;
  seller_message: string;
  type: string;
}

/** A charge, or a destination charge's payment (`py_`) on the connected account. */
export interface Charge {
  id: string;
  object: 'charge';
  amount: number;
  amount_captured: number;
  amount_refunded: number;
  application: string | null;
  application_fee: string | null;
  application_fee_amount: number | null;
  balance_transaction: string | null;
  billing_details: BillingDetails;
  calculated_statement_descriptor: string;
  captured: boolean;
  created: number;
  currency: string;
  customer: string | null;
  description: string | null;
  disputed: boolean;
  failure_balance_transaction: string | null;
  failure_code: string | null;
  failure_message: string | null;
  fraud_details: object;
  livemode: boolean;
  metadata: Metadata;
  on_behalf_of: string | null;
  outcome: Readonly<ChargeOutcome> | null;
  paid: boolean;
  payment_intent: string | null;
  payment_method: string | null;
  payment_method_details: Readonly<PaymentMethodDetails> | null;
  radar_options: object;
  receipt_email: string | null;
  receipt_number: null;
  receipt_url: string | null;
  refunded: boolean;
  review: null;
  shipping: unknown;
  source: null;
  source_transfer: string | null;
  statement_descriptor: string | null;
  statement_descriptor_suffix: string | null;
  status: string;
  /** A destination charge's transfer. */
  transfer?: string;
  transfer_data: { amount: number | null; destination: string } | null;
  transfer_group: string | null;
}

export interface RefundReference {
  reference?: string | null;
  reference_status: string;
  reference_type?: string;
  type?: string;
}

export interface Refund {
  id: string;
  object: 'refund';
  amount: number;
  balance_transaction: string;
  charge: string;
  created: number;
  currency: string;
  customer: string | null;
  customer_account: null;
  description: null;
  destination_details: { type: string; card?: RefundReference; us_bank_transfer?: RefundReference };
  failure_balance_transaction?: string;
  failure_reason?: string;
  metadata: Metadata;
  payment_intent: string | null;
  payment_method: string | null;
  /** Only while `pending`. */
  pending_reason?: string;
  reason: string | null;
  receipt_number: null;
  source_transfer_reversal: null;
  status: string;
  transfer_reversal: string | null;
}

export interface Dispute {
  id: string;
  object: 'dispute';
  amount: number;
  balance_transactions: BalanceTransaction[];
  charge: string;
  created: number;
  currency: string;
  enhanced_eligibility_types: string[];
  evidence: Record<string, unknown>;
  evidence_details: {
    due_by: number;
    enhanced_eligibility: object;
    has_evidence: boolean;
    past_due: boolean;
    submission_count: number;
  };
  is_charge_refundable: boolean;
  livemode: boolean;
  metadata: Metadata;
  network_reason_code: null;
  payment_intent: string | null;
  payment_method_details: {
    card: { brand: string; case_type: string; network: string; network_reason_code: string };
    type: string;
  };
  reason: string;
  status: string;
}
