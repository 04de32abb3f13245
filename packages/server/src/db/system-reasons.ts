/**
 * Every reason Tributary may bypass tenant isolation. Adding one is a security review: say why a tenant
 * context cannot be known or used. `test/db/system-uses.test.ts` fails when code calls withSystem with a
 * reason not listed here, or a listed reason goes unused.
 */
export const systemReasons = {
  'auth.api_key_lookup': 'resolve a presented API key before its tenant is known',
  'auth.session_lookup': 'resolve a session cookie to its user and memberships',
  'auth.login': 'find a user by email at sign-in',
  'auth.setup': 'create the first operator from the one-time setup token',
  'auth.dashboard_link_consume': 'exchange a dashboard link token before its tenant is known',
  'auth.support_invitation_consume':
    "exchange a support user's invitation token (a platform row) for their password before anyone is signed in",
  'auth.dashboard_link_user':
    "find or create the user a dashboard link is for (users are global); a link refused for an account that signs in with a password is recorded in the platform's audit log",
  'operator.support_users':
    "the operator's support users: platform accounts (users with operator_role 'support') and their invitations, which belong to no tenant",
  'operator.tenants': "the platform's tenant list and tenant creation",
  'operator.platform_keys': 'platform API keys belong to no tenant',
  'operator.audit': 'platform-level audit entries (no tenant)',
  'operator.billing':
    "write the platform's plans, prices, limits, meters and exchange rates (platform tables, no tenant's rows)",
  'operator.billing_subscribers':
    "find the tenants on one of the platform's plans for the operator's preview and price migration (tenant ids only: each tenant's row is read and changed in its own transaction)",
  'operator.analytics':
    "the platform's fee revenue, GMV and volume summed over every tenant's payments (sums per month and currency leave the query, no row), the operator's analytics inputs (a platform table no tenant context can read), and the platform's MRR history and figures across its tenants' plans",
  'webhooks.ingest': "store a Stripe delivery before its tenant is known (routed by the event's account)",
  'webhooks.claim': 'the worker loads an event by id before its tenant is known',
  'webhooks.route':
    "find the tenant of a platform-account event from the Stripe ids of its refetched object (transfer destination, on_behalf_of, our rows for its ids; never metadata) and record it on the event; reads rows, writes only the event's tenant_id",
  'webhooks.platform_events':
    'keep the raw object of events that belong to no tenant (platform events routed nowhere, unknown accounts) and mark them',
  'webhooks.operator_events': "the operator's event list, detail, replay and backfill across tenants",
  'webhooks.endpoints': "the platform's outbound endpoints belong to no tenant",
  'webhooks.outbound_delivery': 'fan out and deliver outbound events of every tenant to the platform app',
  'connect.oauth_state': 'the OAuth callback finds its state (hashed) before the tenant is known',
  'connect.onboarding_redirect': "onboarding's return/refresh URLs find their account by a hashed token",
  'notifications.verification_limit':
    "count the billing contact verification e-mails an address got from every tenant (a count only), so no tenant can mail a stranger's address without limit",
  'notifications.operator_mailbox': "the operator's mailbox: every tenant's e-mails, newest first",
  'operator.connect_accounts': "the operator's list of every tenant's connected account",
  'jobs.maintenance':
    'expire idempotency records and sessions of every caller; give up payments, refunds and subscriptions Stripe never answered; drop leftover open payment rows; forget handled events past their retention; find e-mails left sending past their job expiry (ids only)',
  'operator.dunning':
    "the operator's list of every tenant's dunning cases, and a case found by its id before its tenant is known (each action then runs in the case's own tenant)",
  'billing.dunning_due':
    "find the tenants whose dunning case may have a step due (tenant ids only: each case runs in its tenant's own transaction)",
  'notifications.reminder_scan':
    "find every tenant's subscriptions due a renewal reminder and saved cards about to expire (ids only: each e-mail is written in its tenant's own transaction)",
  'analytics.ledger_check':
    "the nightly ledger check: the tenants holding an MRR history (ids only: each tenant's is read in its own transaction), the platform's history, and the check's own runs (a platform table)",
  'analytics.snapshots':
    "the snapshot job: the tenants with a pending restate marker (ids only: each tenant's snapshots are computed in its own transaction), and the platform's snapshots (platform tables no tenant reads)",
  'analytics.platform_mrr':
    "record the platform's MRR history of a tenant's plan (platform tables no tenant reads) in the tenant's transaction that applies the plan's change, so neither commits without the other",
  'support.search':
    'a platform-wide support caller who gave a reason (recorded in the audit log) looks up customers across tenants: read in a READ ONLY transaction, rate-limited per credential',
} as const;

export type SystemReason = keyof typeof systemReasons;
