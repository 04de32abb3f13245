// Subscription schedules and their phases, as stored.
import type { Metadata } from './common.ts';

export interface SchedulePhaseItem {
  billing_thresholds: null;
  discounts: unknown[];
  metadata: Metadata;
  /** The price's id (a phase item's `plan` is the same id, expandable). */
  plan: string;
  price: string;
  quantity: number;
  tax_rates: unknown[];
}

export interface SchedulePhase {
  add_invoice_items: unknown[];
  application_fee_percent: number | null;
  billing_cycle_anchor: string | null;
  billing_thresholds: null;
  collection_method: string | null;
  currency: string;
  default_payment_method: string | null;
  default_tax_rates: unknown[];
  description: string | null;
  discounts: unknown[];
  end_date: number;
  invoice_settings: null;
  items: SchedulePhaseItem[];
  metadata: Metadata;
  on_behalf_of: string | null;
  proration_behavior: string;
  start_date: number;
  transfer_data: null;
  trial_end: number | null;
}

export interface ScheduleDefaultSettings {
  application_fee_percent: number | null;
  automatic_tax: { disabled_reason: null; enabled: boolean; liability: null };
  billing_cycle_anchor: string;
  billing_thresholds: null;
  collection_method: string;
  default_payment_method: string | null;
  description: string | null;
  invoice_settings: {
    account_tax_ids: null;
    custom_fields: null;
    days_until_due: number | null;
    description: null;
    footer: null;
    issuer: { type: string };
  };
  on_behalf_of: string | null;
  transfer_data: null;
}

export type ScheduleStatus = 'not_started' | 'active' | 'completed' | 'released' | 'canceled';

export interface SubscriptionSchedule {
  id: string;
  object: 'subscription_schedule';
  application: string | null;
  billing_mode: { flexible: null; type: string };
  canceled_at: number | null;
  completed_at: number | null;
  created: number;
  current_phase: { end_date: number; start_date: number } | null;
  customer: string;
  customer_account: null;
  default_settings: ScheduleDefaultSettings;
  end_behavior: string;
  livemode: boolean;
  metadata: Metadata;
  pause_schedules: unknown[];
  phases: SchedulePhase[];
  released_at: number | null;
  released_subscription: string | null;
  status: ScheduleStatus;
  subscription: string | null;
  test_clock: string | null;
}
