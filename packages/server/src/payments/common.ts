import type { StripeRef } from '../stripe/client.ts';

// What the payments sub-domains (customers/, charges/, refunds/, disputes/) share.

/** The long-lived collaborators of the payments services. */
export interface PaymentDeps {
  stripe: StripeRef;
}

/**
 * Applying Stripe's objects to our tables, shared by the API (right after its own call) and the webhook
 * handlers (after the pipeline's refetch). Every write is guarded by the fetch time, so the order in which
 * API responses and events arrive does not matter.
 */
export interface SyncScope {
  /**
   * the tenant the object belongs to (the event's, routed by Stripe's ids; the API's caller), whose rows
   * alone row-level security shows; null applies nothing that a metadata id names
   */
  tenantId: string | null;
  /** the connected account the object lives on (direct charges), or null for the platform's */
  account: string | null;
}

export interface Synced<T> {
  row: T;
  /** whether this call changed the row (false: an older fetch, already applied) */
  changed: boolean;
}
