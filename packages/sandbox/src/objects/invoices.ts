// Invoices and their lines, invoice items, invoice payments and credit notes, as stored.
import type { Address, DiscountAmount, ListOf, Metadata, Period, Shipping } from './common.ts';

export interface Pricing {
  type: string;
  price_details: { price: string; product: string } | null;
  unit_amount_decimal: string;
}

export interface LineDetails {
  invoice_item: string | null;
  proration: boolean;
  proration_details: { credited_items: null };
  subscription: string | null;
}

export interface InvoiceLine {
  id: string;
  object: 'line_item';
  amount: number;
  currency: string;
  description: string | null;
  discount_amounts: DiscountAmount[];
  discountable: boolean;
  discounts: string[];
  invoice: string;
  livemode: boolean;
  metadata: Metadata;
  parent: {
    type: string;
    invoice_item_details: LineDetails | null;
    subscription_item_details: (LineDetails & { subscription_item: string | null }) | null;
  };
  period: Period;
  pretax_credit_amounts: unknown[];
  pricing: Pricing;
  quantity: number;
  quantity_decimal: string;
  subscription: null;
  subtotal: number;
  taxes: unknown[];
}

/** `transfer_data` of an invoice: its own (`amount`), or its subscription's (`amount_percent`). */
export interface InvoiceTransferData {
  destination: unknown;
  amount?: number | null;
  amount_percent?: unknown;
}

export interface Invoice {
  id: string;
  object: 'invoice';
  account_country: string;
  account_name: string | null;
  account_tax_ids: null;
  amount_due: number;
  amount_overpaid: number;
  amount_paid: number;
  amount_remaining: number;
  amount_shipping: number;
  application: string | null;
  application_fee_amount: number | null;
  attempt_count: number;
  attempted: boolean;
  auto_advance: boolean | null;
  automatic_tax: object;
  automatically_finalizes_at: number | null;
  billing_reason: string;
  collection_method: string | null;
  created: number;
  currency: string;
  custom_fields: null;
  customer: string;
  customer_account: null;
  customer_address: Address | null;
  customer_email: string | null;
  customer_name: string | null;
  customer_phone: string | null;
  customer_shipping: Shipping | null;
  customer_tax_exempt: string;
  customer_tax_ids: unknown[];
  default_payment_method: string | null;
  default_source: null;
  default_tax_rates: unknown[];
  description: string | null;
  discounts: string[];
  due_date: number | null;
  effective_at: number | null;
  ending_balance: number | null;
  footer: string | null;
  from_invoice: null;
  hosted_invoice_url: string | null;
  invoice_pdf: string | null;
  issuer: { type: string };
  last_finalization_error: null;
  latest_revision: null;
  lines: ListOf<InvoiceLine>;
  livemode: boolean;
  metadata: Metadata;
  next_payment_attempt: number | null;
  number: string | null;
  on_behalf_of: string | null;
  parent: {
    type: string;
    quote_details: null;
    subscription_details: { metadata: Metadata; subscription: string };
  } | null;
  payment_settings: object;
  period_end: number;
  period_start: number;
  post_payment_credit_notes_amount: number;
  pre_payment_credit_notes_amount: number;
  receipt_number: null;
  rendering: null;
  shipping_cost: null;
  shipping_details: null;
  starting_balance: number;
  statement_descriptor: null;
  status: string;
  status_transitions: {
    finalized_at: number | null;
    marked_uncollectible_at: number | null;
    paid_at: number | null;
    voided_at: number | null;
  };
  subscription: null;
  subtotal: number;
  subtotal_excluding_tax: number;
  test_clock: string | null;
  total: number;
  total_discount_amounts: DiscountAmount[];
  total_excluding_tax: number;
  total_pretax_credit_amounts: unknown[];
  total_taxes: unknown[];
  transfer_data: InvoiceTransferData | null;
  webhooks_delivered_at: null;
}

export interface InvoiceItem {
  id: string;
  object: 'invoiceitem';
  amount: number;
  currency: string;
  customer: string;
  customer_account: null;
  date: number;
  description: string | null;
  discountable: boolean;
  discounts: string[];
  invoice: string | null;
  livemode: boolean;
  metadata: Metadata;
  net_amount: number;
  parent: { type: string; subscription_details: { subscription: string } } | null;
  period: Period;
  pricing: Pricing;
  proration: boolean;
  quantity: number;
  quantity_decimal: string;
  tax_rates: unknown[];
  test_clock: string | null;
}

export interface InvoicePayment {
  id: string;
  object: 'invoice_payment';
  amount_paid: number | null;
  amount_requested: number;
  created: number;
  currency: string;
  invoice: string;
  is_default: boolean;
  livemode: boolean;
  payment: { payment_intent: string; type: string };
  status: string;
  status_transitions: { canceled_at: number | null; paid_at: number | null };
}

export interface CreditNoteLine {
  id: string;
  object: 'credit_note_line_item';
  amount: number;
  description: string | null;
  discount_amount: number;
  discount_amounts: unknown[];
  invoice_line_item?: string;
  livemode: boolean;
  metadata: Metadata;
  pretax_credit_amounts: unknown[];
  quantity: number;
  tax_rates: unknown[];
  taxes: unknown[];
  type: string;
  unit_amount: number | null;
  unit_amount_decimal: string | null;
}

export interface CreditNote {
  id: string;
  object: 'credit_note';
  amount: number;
  amount_shipping: number;
  created: number;
  currency: string;
  customer: string;
  customer_account: null;
  customer_balance_transaction: string | null;
  discount_amount: number;
  discount_amounts: unknown[];
  effective_at: number;
  invoice: string;
  lines: ListOf<CreditNoteLine>;
  livemode: boolean;
  memo: string | null;
  metadata: Metadata;
  number: string;
  out_of_band_amount: number | null;
  pdf: string;
  post_payment_amount: number;
  pre_payment_amount: number;
  pretax_credit_amounts: unknown[];
  reason: string | null;
  refunds: { amount_refunded: number; payment_record_refund: null; refund: string; type: string }[];
  shipping_cost: null;
  status: string;
  subtotal: number;
  subtotal_excluding_tax: number;
  total: number;
  total_excluding_tax: number;
  total_taxes: unknown[];
  type: string;
  voided_at: number | null;
}
