// Connected accounts (and the platform's own account), their external bank accounts and capabilities.
import type { ListOf, Metadata } from './common.ts';

export interface Requirements {
  alternatives: unknown[];
  current_deadline: null;
  currently_due: string[];
  disabled_reason: string | null;
  errors: unknown[];
  eventually_due: string[];
  past_due: string[];
  pending_verification: unknown[];
}

/** Who pays fees, bears losses, collects requirements and which dashboard the account has. */
export interface AccountController {
  fees?: { payer: string };
  is_controller: boolean;
  losses?: { payments: string };
  requirement_collection?: string;
  stripe_dashboard?: { type: string };
  type: string;
}

export interface BankAccount {
  id: string;
  object: 'bank_account';
  account: string;
  account_holder_name: string | null;
  account_holder_type: string | null;
  account_type: null;
  available_payout_methods: string[];
  bank_name: string;
  country: string;
  currency: string;
  customer: null;
  default_for_currency: boolean;
  fingerprint: string;
  future_requirements: {
    currently_due: string[];
    errors: unknown[];
    past_due: string[];
    pending_verification: unknown[];
  };
  last4: string;
  metadata: Metadata;
  requirements: {
    currently_due: string[];
    errors: unknown[];
    past_due: string[];
    pending_verification: unknown[];
  };
  routing_number: string;
  status: string;
}

/** Nested hashes that account params deep-merge into (`business_profile`, `settings`). */
export interface Mergeable {
  [key: string]: unknown;
}

export interface Account {
  id: string;
  object: 'account';
  business_profile: Mergeable & { name: string | null };
  business_type: string | null;
  capabilities: Record<string, string>;
  charges_enabled: boolean;
  controller: AccountController;
  country: string;
  created: number;
  default_currency: string;
  details_submitted: boolean;
  email: string | null;
  external_accounts: ListOf<BankAccount>;
  future_requirements: Requirements;
  metadata: Metadata;
  payouts_enabled: boolean;
  requirements: Requirements;
  settings: Mergeable & { dashboard: Mergeable & { display_name: string | null } };
  tos_acceptance: { date: number | null; ip: unknown; user_agent: unknown };
  type: string;
}

export interface Capability {
  id: string;
  object: 'capability';
  account: string;
  future_requirements: Requirements;
  requested: boolean;
  requested_at: number | null;
  requirements: Requirements;
  status: string;
}
