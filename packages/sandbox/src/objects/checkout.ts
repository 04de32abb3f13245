// Checkout Sessions, their line items and Payment Links, as stored.
import type { Address, Metadata } from './common.ts';
import type { Price } from './products.ts';

export interface CustomerDetails {
  address: Address | null;
  business_name: null;
  email: string | null;
  individual_name: null;
  name: null;
  phone: null;
  tax_exempt: string;
  tax_ids: unknown[] | null;
}

export interface CheckoutSession {
  id: string;
  object: 'checkout.session';
  adaptive_pricing: object;
  after_expiration: null;
  allow_promotion_codes: null;
  allowed_payment_method_types: (string | null)[] | null;
  amount_subtotal: number | null;
  amount_total: number | null;
  automatic_tax: object;
  billing_address_collection: null;
  cancel_url: string | null;
  client_reference_id: string | null;
  client_secret: null;
  collected_information: null;
  consent: null;
  consent_collection: null;
  created: number;
  currency: string | null;
  currency_conversion: null;
  custom_fields: unknown[];
  custom_text: object;
  customer: string | null;
  customer_account: null;
  customer_creation: string | null;
  customer_details: CustomerDetails | null;
  customer_email: string | null;
  discounts: unknown[];
  expires_at: number;
  integration_identifier: null;
  invoice: string | null;
  invoice_creation: object | null;
  livemode: boolean;
  locale: null;
  managed_payments: null;
  metadata: Metadata;
  mode: string;
  origin_context: null;
  payment_intent: string | null;
  payment_link: string | null;
  payment_method_collection: string | null;
  payment_method_configuration_details: null;
  payment_method_options: object;
  payment_method_types: (string | null)[];
  payment_status: string;
  permissions: null;
  phone_number_collection: object;
  recovered_from: null;
  saved_payment_method_options: null;
  setup_intent: string | null;
  shipping_address_collection: null;
  shipping_cost: null;
  shipping_options: unknown[];
  status: string;
  submit_type: null;
  subscription: string | null;
  success_url: string | null;
  total_details: object | null;
  ui_mode: string;
  url: string | null;
  wallet_options: null;
}

/** A line item of a session or a payment link (`line_items`). */
export interface CheckoutItem {
  id: string;
  object: 'item';
  adjustable_quantity: null;
  amount_discount: number;
  amount_subtotal: number;
  amount_tax: number;
  amount_total: number;
  currency: string;
  description: string | null;
  metadata: Metadata;
  price: Price;
  quantity: number;
}

export interface AfterCompletion {
  type: string;
  redirect?: { url: string };
  hosted_confirmation?: { custom_message: string | null };
}

export interface PaymentLink {
  id: string;
  object: 'payment_link';
  active: boolean;
  after_completion: AfterCompletion;
  allow_promotion_codes: boolean;
  application: string | null;
  application_fee_amount: number | null;
  application_fee_percent: number | null;
  automatic_tax: object;
  billing_address_collection: string;
  consent_collection: null;
  currency: string;
  custom_fields: unknown[];
  custom_text: object;
  customer_creation: string;
  inactive_message: string | null;
  invoice_creation: null;
  livemode: boolean;
  managed_payments: null;
  metadata: Metadata;
  on_behalf_of: string | null;
  payment_intent_data: {
    capture_method: string | null;
    description: string | null;
    metadata: Metadata;
    setup_future_usage: string | null;
    statement_descriptor: string | null;
    statement_descriptor_suffix: string | null;
    transfer_group: string | null;
  } | null;
  payment_method_collection: string;
  payment_method_options: null;
  payment_method_types: (string | null)[] | null;
  phone_number_collection: object;
  restrictions: { completed_sessions: { count: number; limit: number } } | null;
  shipping_address_collection: null;
  shipping_options: unknown[];
  submit_type: string;
  subscription_data: null;
  tax_id_collection: object;
  transfer_data: { amount: number | null; destination: string } | null;
  url: string;
}
