// Subscriptions and their items, test clocks, billing meters and customer portal sessions, as stored.
import type { ListOf, Metadata } from './common.ts';
import type { Plan, Price } from './products.ts';

export interface SubscriptionItem {
  id: string;
  object: 'subscription_item';
  billing_thresholds: null;
  created: number;
  current_period_end: number;
  current_period_start: number;
  discounts: unknown[];
  metadata: Metadata;
  plan: Plan;
  price: Price;
  quantity: number | null;
  subscription: string;
  tax_rates: unknown[];
}

export interface PendingUpdate {
  billing_cycle_anchor: number | null;
  expires_at: number;
  subscription_items: SubscriptionItem[] | null;
  trial_end: number | null;
  trial_from_plan: boolean | null;
}

export interface Subscription {
  id: string;
  object: 'subscription';
  application: string | null;
  application_fee_percent: number | null;
  automatic_tax: object;
  billing_cycle_anchor: number;
  billing_cycle_anchor_config: null;
  billing_mode: object;
  billing_schedules: unknown[];
  billing_thresholds: null;
  cancel_at: number | null;
  cancel_at_period_end: boolean;
  canceled_at: number | null;
  cancellation_details: { comment: string | null; feedback: string | null; reason: string | null };
  collection_method: string | null;
  created: number;
  currency: string;
  customer: string;
  customer_account: null;
  days_until_due: number | null;
  default_payment_method: string | null;
  default_source: null;
  default_tax_rates: unknown[];
  description: string | null;
  discounts: string[];
  ended_at: number | null;
  invoice_settings: object;
  /** The stored item objects themselves (relinked after a snapshot load). */
  items: ListOf<SubscriptionItem> & { total_count: number };
  latest_invoice: string | null;
  livemode: boolean;
  managed_payments: null;
  metadata: Metadata;
  next_pending_invoice_item_invoice: null;
  on_behalf_of: string | null;
  pause_collection: { behavior: string; resumes_at: number | null } | null;
  payment_settings: object;
  pending_invoice_item_interval: null;
  pending_setup_intent: null;
  /** Changes waiting for `latest_invoice` to be paid (`payment_behavior=pending_if_incomplete`). */
  pending_update: PendingUpdate | null;
  /** The schedule managing it (`sub_sched_…`), while attached. */
  schedule: string | null;
  start_date: number;
  status: string;
  test_clock: string | null;
  transfer_data: { amount_percent: unknown; destination: unknown } | null;
  trial_end: number | null;
  trial_settings: { end_behavior: { missing_payment_method: string } };
  trial_start: number | null;
}

export interface TestClock {
  id: string;
  object: 'test_helpers.test_clock';
  created: number;
  deletes_after: number;
  frozen_time: number;
  livemode: boolean;
  name: string | null;
  status: string;
  status_details: object;
}

export interface Meter {
  id: string;
  object: 'billing.meter';
  created: number;
  customer_mapping: { event_payload_key: string; type: string };
  default_aggregation: { formula: string };
  display_name: string;
  event_name: string;
  event_time_window: string | null;
  livemode: boolean;
  status: string;
  status_transitions: { deactivated_at: number | null };
  updated: number;
  value_settings: { event_payload_key: string };
}

export interface PortalFlow {
  type: string;
  after_completion: {
    type: 'portal_homepage' | 'hosted_confirmation' | 'redirect';
    hosted_confirmation: { custom_message: string | null } | null;
    redirect: { return_url: string } | null;
  };
}

export interface PortalSession {
  id: string;
  object: 'billing_portal.session';
  configuration: string;
  created: number;
  customer: string;
  customer_account: null;
  /** a deep-linked flow: the portal shows that task only, then what `after_completion` says */
  flow: PortalFlow | null;
  livemode: boolean;
  locale: string | null;
  on_behalf_of: string | null;
  return_url: string | null;
  url: string;
}
