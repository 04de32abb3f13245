import { EVIDENCE_BODY_MAX_BYTES } from '../../src/payments/disputes/schemas.ts';
import { allScopes, type Scope } from '../../src/scope/scopes.ts';

const readScopes = allScopes.filter((s) => s.endsWith(':read'));

/**
 * Every API route, with a valid request and what it needs. `test/http/route-coverage.test.ts` fails when the
 * app has a route this table lacks, so each new route joins the isolation, RBAC and bad-input suites.
 * Path placeholders: :id tenant, :user_id member, :key_id API key; payments: :customer_id,
 * :payment_method_id, :payment_id, :dispute_id, :notification_id, :event_id (a Stripe event routed to the tenant)
 * :invitation_id (a pending team invitation) and :alert_id (a notified threshold alert) —
 * test/helpers/payments.ts makes real ones.
 */
export interface RouteCase {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  body?: Record<string, unknown>;
  /** a body field that is required, and a wrong-typed value for one field */
  required?: string;
  wrongType?: [string, unknown];
  /**
   * What the caller needs: a scope (on the tenant named by `:id` for tenant routes; platform-wide for platform
   * routes), or 'public', 'session' (a dashboard session only), 'authenticated' (any caller), 'recovery_token'
   * (the recovery page's signed link, `Authorization: Bearer rcv_…`, of the tenant the suites use).
   */
  access: Scope | 'public' | 'session' | 'authenticated' | 'recovery_token';
  /** a tenant route only the platform may use (a platform key holding `access`, or the operator) */
  platformOnly?: true;
  /** restricted keys are refused even holding `access`: the operator or a platform secret key only */
  secretOnly?: true;
  /** money-moving: refused without an Idempotency-Key (400 idempotency_key_required) */
  idempotency?: 'required';
  /**
   * Scopes a restricted key needs besides `access` for this request to pass: the powers of what it hands
   * out. The route declares them too (`config.access.also`, checked before validation; route-coverage
   * compares the two).
   */
  holds?: Scope[];
  /**
   * Scopes the service also needs in the state the suites' tenant is in (a connected account): checked after
   * validation, since they depend on that state (replacing a connected account needs `connect:manage`).
   */
  whenConnected?: Scope[];
  /** the route's own body limit in bytes, above the API's (an evidence document up to Stripe's limit) */
  bodyLimit?: number;
  /** about the signed-in person (their own preferences): API keys hold no person, 400 user_session_required */
  personal?: true;
}

export const tenantRoutes: RouteCase[] = [
  { method: 'GET', path: '/v1/tenants/:id', access: 'tenants:read' },
  {
    method: 'POST',
    path: '/v1/tenants/:id',
    body: { name: 'Renamed' },
    wrongType: ['name', 42],
    access: 'tenants:write',
  },
  { method: 'GET', path: '/v1/tenants/:id/members', access: 'members:read' },
  {
    method: 'POST',
    path: '/v1/tenants/:id/members/:user_id',
    // the target is a member: a change a members:write key may make (raising a role needs its powers)
    body: { role: 'member' },
    required: 'role',
    wrongType: ['role', 'emperor'],
    access: 'members:write',
  },
  { method: 'DELETE', path: '/v1/tenants/:id/members/:user_id', access: 'members:write' },
  {
    method: 'POST',
    path: '/v1/tenants/:id/dashboard_links',
    body: { email: 'new@example.com' },
    required: 'email',
    wrongType: ['email', 'not-an-email'],
    access: 'members:write',
    // a member link grants a member's powers, which read everything
    holds: readScopes,
  },
  {
    method: 'POST',
    path: '/v1/tenants/:id/invitations',
    body: { email: 'invited@example.com', role: 'member' },
    required: 'email',
    wrongType: ['role', 'boss'],
    access: 'members:write',
    // like a dashboard link: an invitation grants at least a member's powers
    holds: readScopes,
  },
  { method: 'GET', path: '/v1/tenants/:id/invitations', access: 'members:read' },
  // :invitation_id a pending invitation (paymentFixtures makes it)
  {
    method: 'DELETE',
    path: '/v1/tenants/:id/invitations/:invitation_id',
    access: 'members:write',
    // revoking takes the powers the invitation grants, as making it does (a member's at the least)
    holds: readScopes,
  },
  { method: 'GET', path: '/v1/tenants/:id/api_keys', access: 'api_keys:read' },
  {
    method: 'POST',
    path: '/v1/tenants/:id/api_keys',
    body: { name: 'k', type: 'restricted', scopes: ['api_keys:read'] },
    required: 'name',
    wrongType: ['scopes', 'api_keys:read'],
    access: 'api_keys:write',
  },
  { method: 'DELETE', path: '/v1/tenants/:id/api_keys/:key_id', access: 'api_keys:write' },
  { method: 'GET', path: '/v1/tenants/:id/audit_log', access: 'audit_log:read' },
  { method: 'GET', path: '/v1/tenants/:id/events', access: 'events:read' },
  { method: 'GET', path: '/v1/tenants/:id/events/:event_id', access: 'events:read' },
  // Payments. Suites fill the placeholders with a connected tenant's real objects (paymentFixtures).
  { method: 'GET', path: '/v1/tenants/:id/fee_schedule', access: 'payments:read' },
  {
    method: 'POST',
    path: '/v1/tenants/:id/fee_schedule',
    body: { percent_bps: 250, pass_through_stripe_fee: true },
    wrongType: ['percent_bps', 'lots'],
    access: 'fees:write',
    platformOnly: true,
  },
  { method: 'GET', path: '/v1/tenants/:id/fee_schedule/preview', access: 'payments:read' },
  // the tenant's own volume, refunds, disputes and the fees it paid the platform
  { method: 'GET', path: '/v1/tenants/:id/analytics/fees', access: 'analytics:read' },
  // its MRR, movements and ratios, the customers behind a movement, its cohorts
  { method: 'GET', path: '/v1/tenants/:id/analytics/mrr', access: 'analytics:read' },
  { method: 'GET', path: '/v1/tenants/:id/analytics/movements', access: 'analytics:read' },
  { method: 'GET', path: '/v1/tenants/:id/analytics/cohorts', access: 'analytics:read' },
  { method: 'GET', path: '/v1/tenants/:id/analytics/summary', access: 'analytics:read' },
  { method: 'GET', path: '/v1/tenants/:id/analytics/retention', access: 'analytics:read' },
  // The tenant's plan with the platform: the suites' fixtures make the free plan `suite_free`
  { method: 'GET', path: '/v1/tenants/:id/billing', access: 'billing:read' },
  {
    method: 'POST',
    path: '/v1/tenants/:id/billing/plan',
    body: { plan: 'suite_free' },
    required: 'plan',
    wrongType: ['interval', 'fortnight'],
    access: 'billing:write',
    platformOnly: true,
    idempotency: 'required',
  },
  // the plans the tenant may choose (platform billing)
  { method: 'GET', path: '/v1/tenants/:id/billing/plans', access: 'billing:read' },
  // a quoted plan change: the suites' free plan is no quote's target (400), an unknown quote a 404
  {
    method: 'POST',
    path: '/v1/tenants/:id/billing/quotes',
    body: { plan: 'suite_free', interval: 'month' },
    required: 'interval',
    wrongType: ['interval', 'fortnight'],
    access: 'billing:write',
  },
  { method: 'GET', path: '/v1/tenants/:id/billing/quotes/:quote_id', access: 'billing:read' },
  {
    method: 'POST',
    path: '/v1/tenants/:id/billing/subscription',
    body: { quote: 'quo_00000000000000000000000000000000' },
    required: 'quote',
    wrongType: ['quote', 42],
    access: 'billing:write',
    idempotency: 'required',
  },
  {
    method: 'POST',
    path: '/v1/tenants/:id/billing/subscription/cancel',
    access: 'billing:write',
    idempotency: 'required',
  },
  {
    method: 'POST',
    path: '/v1/tenants/:id/billing/subscription/resume',
    access: 'billing:write',
    idempotency: 'required',
  },
  { method: 'GET', path: '/v1/tenants/:id/customers', access: 'customers:read' },
  {
    method: 'POST',
    path: '/v1/tenants/:id/customers',
    body: { email: 'jenny@example.com', name: 'Jenny' },
    wrongType: ['email', 42],
    access: 'customers:write',
  },
  { method: 'GET', path: '/v1/tenants/:id/customers/:customer_id', access: 'customers:read' },
  {
    method: 'POST',
    path: '/v1/tenants/:id/customers/:customer_id',
    body: { name: 'Renamed customer' },
    wrongType: ['name', 5],
    access: 'customers:write',
  },
  { method: 'GET', path: '/v1/tenants/:id/customers/:customer_id/payment_methods', access: 'customers:read' },
  {
    method: 'POST',
    path: '/v1/tenants/:id/customers/:customer_id/setup_intents',
    body: { payment_method: 'pm_card_visa', set_default: false },
    wrongType: ['set_default', 'yes'],
    access: 'customers:write',
  },
  {
    method: 'POST',
    path: '/v1/tenants/:id/customers/:customer_id/payment_methods/:payment_method_id/default',
    access: 'customers:write',
  },
  {
    method: 'POST',
    path: '/v1/tenants/:id/customers/:customer_id/setup_sessions',
    body: { success_url: 'https://app.example.com/saved', cancel_url: 'https://app.example.com/account' },
    required: 'success_url',
    wrongType: ['payment_method_type', 'cash'],
    access: 'customers:write',
  },
  {
    method: 'POST',
    path: '/v1/tenants/:id/customers/:customer_id/portal_session',
    body: { return_url: 'https://app.example.com/account' },
    wrongType: ['return_url', 'not a url'],
    access: 'customers:write',
    // the portal lets whoever opens it cancel subscriptions and read invoices
    holds: ['subscriptions:write', 'invoices:read'],
  },
  {
    method: 'POST',
    path: '/v1/tenants/:id/payment_intents',
    body: { amount: 1000, currency: 'usd' },
    required: 'amount',
    wrongType: ['amount', 'ten dollars'],
    access: 'payments:write',
    idempotency: 'required',
  },
  { method: 'GET', path: '/v1/tenants/:id/payments', access: 'payments:read' },
  { method: 'GET', path: '/v1/tenants/:id/payments/export', access: 'payments:read' },
  { method: 'GET', path: '/v1/tenants/:id/payments/:payment_id', access: 'payments:read' },
  {
    method: 'POST',
    path: '/v1/tenants/:id/payments/:payment_id/refunds',
    body: { amount: 100, reason: 'requested_by_customer' },
    wrongType: ['amount', '100'],
    access: 'refunds:write',
    idempotency: 'required',
  },
  { method: 'GET', path: '/v1/tenants/:id/refunds', access: 'refunds:read' },
  { method: 'GET', path: '/v1/tenants/:id/notifications', access: 'notifications:read' },
  {
    method: 'GET',
    path: '/v1/tenants/:id/notifications/:notification_id',
    access: 'notifications:read',
  },
  { method: 'GET', path: '/v1/tenants/:id/notification_status', access: 'notifications:read' },
  {
    method: 'POST',
    path: '/v1/tenants/:id/notifications/:notification_id/resend',
    access: 'notifications:write',
  },
  { method: 'GET', path: '/v1/tenants/:id/branding', access: 'tenants:read' },
  {
    method: 'POST',
    path: '/v1/tenants/:id/branding',
    body: { accent_color: '#112233' },
    wrongType: ['accent_color', 42],
    access: 'tenants:write',
  },
  {
    method: 'POST',
    path: '/v1/tenants/:id/branding/preview',
    body: { accent_color: '#112233' },
    wrongType: ['brand_name', 7],
    access: 'tenants:read',
  },
  {
    method: 'POST',
    path: '/v1/tenants/:id/billing_contact',
    body: { email: 'billing@example.com' },
    required: 'email',
    wrongType: ['email', 'not-an-email'],
    access: 'tenants:write',
  },
  { method: 'GET', path: '/v1/tenants/:id/notification_preferences', access: 'notifications:read' },
  {
    method: 'POST',
    path: '/v1/tenants/:id/notification_preferences',
    body: { customer_emails: { receipt: true } },
    required: 'customer_emails',
    wrongType: ['customer_emails', 'all'],
    access: 'notifications:write',
  },
  {
    method: 'GET',
    path: '/v1/tenants/:id/members/me/notification_preferences',
    access: 'notifications:read',
    personal: true,
  },
  {
    method: 'POST',
    path: '/v1/tenants/:id/members/me/notification_preferences',
    body: { owner_alerts: { invoice_paid: false } },
    required: 'owner_alerts',
    wrongType: ['owner_alerts', ['invoice_paid']],
    access: 'notifications:write',
    personal: true,
  },
  { method: 'GET', path: '/v1/tenants/:id/disputes', access: 'disputes:read' },
  { method: 'GET', path: '/v1/tenants/:id/disputes/:dispute_id', access: 'disputes:read' },
  {
    method: 'POST',
    path: '/v1/tenants/:id/disputes/:dispute_id/evidence',
    body: { evidence: { uncategorized_text: 'The signed agreement is attached.' }, submit: false },
    wrongType: ['submit', 'yes'],
    access: 'disputes:write',
    bodyLimit: EVIDENCE_BODY_MAX_BYTES,
  },
  {
    method: 'DELETE',
    path: '/v1/tenants/:id/customers/:customer_id/payment_methods/:payment_method_id',
    access: 'customers:write',
  },
  // Invoices and subscriptions: :invoice_id a draft, :subscription_id a trialing subscription
  { method: 'GET', path: '/v1/tenants/:id/invoices', access: 'invoices:read' },
  {
    method: 'POST',
    path: '/v1/tenants/:id/invoices',
    body: { lines: [{ description: 'Consulting', quantity: 1, unit_amount: 5000 }], currency: 'usd' },
    required: 'lines',
    wrongType: ['lines', 'one line'],
    access: 'invoices:write',
  },
  { method: 'GET', path: '/v1/tenants/:id/invoices/:invoice_id', access: 'invoices:read' },
  {
    method: 'POST',
    path: '/v1/tenants/:id/invoices/:invoice_id',
    body: { notes: 'Net 30' },
    wrongType: ['due_date', 'tomorrow'],
    access: 'invoices:write',
  },
  { method: 'POST', path: '/v1/tenants/:id/invoices/:invoice_id/send', access: 'invoices:write' },
  {
    method: 'POST',
    path: '/v1/tenants/:id/invoices/:invoice_id/mark_uncollectible',
    access: 'invoices:write',
  },
  { method: 'POST', path: '/v1/tenants/:id/invoices/:invoice_id/void', access: 'invoices:write' },
  { method: 'GET', path: '/v1/tenants/:id/products', access: 'subscriptions:read' },
  {
    method: 'POST',
    path: '/v1/tenants/:id/products',
    body: { name: 'Pro plan' },
    required: 'name',
    wrongType: ['name', 7],
    access: 'subscriptions:write',
  },
  { method: 'GET', path: '/v1/tenants/:id/prices', access: 'subscriptions:read' },
  {
    method: 'POST',
    path: '/v1/tenants/:id/prices',
    body: { product: 'prd_00000000000000000000000000000000', unit_amount: 1000, interval: 'month' },
    required: 'unit_amount',
    wrongType: ['interval', 'fortnight'],
    access: 'subscriptions:write',
  },
  { method: 'GET', path: '/v1/tenants/:id/subscriptions', access: 'subscriptions:read' },
  {
    method: 'POST',
    path: '/v1/tenants/:id/subscriptions',
    body: {
      customer: 'cust_00000000000000000000000000000000',
      price: 'prc_00000000000000000000000000000000',
    },
    required: 'price',
    wrongType: ['quantity', 'two'],
    access: 'subscriptions:write',
    idempotency: 'required',
  },
  { method: 'GET', path: '/v1/tenants/:id/subscriptions/:subscription_id', access: 'subscriptions:read' },
  {
    method: 'POST',
    path: '/v1/tenants/:id/subscriptions/:subscription_id',
    body: { quantity: 2 },
    wrongType: ['quantity', 'two'],
    access: 'subscriptions:write',
  },
  {
    method: 'POST',
    path: '/v1/tenants/:id/subscriptions/:subscription_id/cancel',
    body: { at_period_end: true },
    wrongType: ['at_period_end', 'soon'],
    access: 'subscriptions:write',
  },
  // Connect: in this order, so the RBAC suite's allowed calls find the account they need
  {
    method: 'POST',
    path: '/v1/tenants/:id/connect/account',
    body: { business_type: 'individual' },
    wrongType: ['business_type', 42],
    access: 'connect:write',
  },
  {
    method: 'POST',
    path: '/v1/tenants/:id/connect/onboarding_link',
    body: { return_to: 'dashboard' },
    wrongType: ['return_to', 'moon'],
    access: 'connect:write',
    // onboarding an account that submitted its details edits its payout bank account: an owner's power
    whenConnected: ['connect:manage'],
  },
  { method: 'GET', path: '/v1/tenants/:id/connect/status', access: 'connect:read' },
  { method: 'POST', path: '/v1/tenants/:id/connect/refresh', access: 'connect:write' },
  {
    method: 'POST',
    path: '/v1/tenants/:id/connect/login_link',
    // the Express dashboard edits the payout bank account (an owner's power) and shows the account's
    // payments, refunds and disputes
    access: 'connect:manage',
    holds: ['payments:read', 'refunds:read', 'disputes:read'],
  },
  {
    method: 'GET',
    path: '/v1/tenants/:id/connect/oauth/authorize_url',
    access: 'connect:write',
    // linking another account in place of the connected one is an owner's power
    whenConnected: ['connect:manage'],
  },
  { method: 'POST', path: '/v1/tenants/:id/connect/disconnect', access: 'connect:manage' },
  // Usage and entitlements (billing/usage/)
  {
    method: 'POST',
    path: '/v1/tenants/:id/usage_events',
    body: { metric: 'api_calls', quantity: 1, timestamp: Math.floor(Date.now() / 1000), id: 'evt_suite' },
    required: 'metric',
    wrongType: ['quantity', 'lots'],
    access: 'usage:write',
    platformOnly: true,
  },
  // the dashboard's notices (:alert_id a threshold alert that notified; paymentFixtures makes it)
  { method: 'GET', path: '/v1/tenants/:id/billing/alerts', access: 'billing:read' },
  { method: 'POST', path: '/v1/tenants/:id/billing/alerts/:alert_id/dismiss', access: 'billing:write' },
  // The tenant's billing account with the platform (billing/account/): :billing_pm_id a card saved on its
  // billing customer, :billing_invoice_id a paid invoice of it (paymentFixtures makes both)
  {
    method: 'POST',
    path: '/v1/tenants/:id/billing/payment_methods/setup',
    body: { type: 'card' },
    wrongType: ['type', 'cheque'],
    access: 'billing:write',
  },
  { method: 'GET', path: '/v1/tenants/:id/billing/payment_methods', access: 'billing:read' },
  // the dashboard's banner: what is owed (every member), and the recovery page's link (who may pay;
  // billing/recovery/)
  { method: 'GET', path: '/v1/tenants/:id/billing/recovery', access: 'billing:read' },
  { method: 'POST', path: '/v1/tenants/:id/billing/recovery/link', access: 'billing:write' },
  // back from Stripe's page adding a method: the session confirmed (in dunning, the method pays at once)
  {
    method: 'POST',
    path: '/v1/tenants/:id/billing/payment_methods/confirm',
    body: { checkout_session: 'cs_test_suite' },
    required: 'checkout_session',
    wrongType: ['checkout_session', 42],
    access: 'billing:write',
    idempotency: 'required',
  },
  {
    method: 'POST',
    path: '/v1/tenants/:id/billing/payment_methods/:billing_pm_id/default',
    access: 'billing:write',
  },
  {
    method: 'DELETE',
    path: '/v1/tenants/:id/billing/payment_methods/:billing_pm_id',
    access: 'billing:write',
  },
  { method: 'GET', path: '/v1/tenants/:id/billing/contact', access: 'billing:read' },
  {
    method: 'POST',
    path: '/v1/tenants/:id/billing/contact',
    body: { email: 'accounts@example.com', name: 'Suite Ltd' },
    required: 'email',
    wrongType: ['name', 42],
    access: 'billing:write',
  },
  { method: 'GET', path: '/v1/tenants/:id/billing/invoices', access: 'billing:read' },
  { method: 'POST', path: '/v1/tenants/:id/billing/invoices/refresh', access: 'billing:read' },
  { method: 'GET', path: '/v1/tenants/:id/billing/invoices/:billing_invoice_id', access: 'billing:read' },
  { method: 'GET', path: '/v1/tenants/:id/billing/upcoming_invoice', access: 'billing:read' },
  { method: 'GET', path: '/v1/tenants/:id/billing/balance', access: 'billing:read' },
  {
    method: 'POST',
    path: '/v1/tenants/:id/billing/credits',
    body: { amount: 500, currency: 'usd', description: 'Suite credit' },
    required: 'amount',
    wrongType: ['amount', 'lots'],
    access: 'billing:write',
    platformOnly: true,
    idempotency: 'required',
  },
  {
    method: 'POST',
    path: '/v1/tenants/:id/billing/invoices/:billing_invoice_id/credit_notes',
    body: { amount: 10, refund: false },
    required: 'refund',
    wrongType: ['amount', 'ten'],
    access: 'billing:write',
    platformOnly: true,
    idempotency: 'required',
  },
  { method: 'GET', path: '/v1/tenants/:id/entitlements', access: 'billing:read' },
  {
    method: 'POST',
    path: '/v1/tenants/:id/entitlements/check',
    body: { metric: 'api_calls', quantity: 1 },
    required: 'metric',
    wrongType: ['quantity', 'one'],
    access: 'billing:read',
  },
];

/** Platform-wide routes: `access` is the scope a platform restricted key needs (GET /v1/tenants: tenant callers see their own). */
export const platformRoutes: RouteCase[] = [
  { method: 'GET', path: '/v1/tenants', access: 'tenants:read' },
  {
    method: 'POST',
    path: '/v1/tenants',
    body: { name: 'New tenant' },
    required: 'name',
    wrongType: ['metadata', 'x'],
    access: 'tenants:write',
  },
  { method: 'GET', path: '/v1/api_keys', access: 'api_keys:read' },
  {
    method: 'POST',
    path: '/v1/api_keys',
    body: { name: 'platform key' },
    required: 'name',
    wrongType: ['type', 'superuser'],
    access: 'api_keys:write',
    secretOnly: true,
  },
  { method: 'DELETE', path: '/v1/api_keys/:key_id', access: 'api_keys:write', secretOnly: true },
  { method: 'GET', path: '/v1/audit_log', access: 'audit_log:read' },
  { method: 'GET', path: '/v1/api_key_scopes', access: 'authenticated' },
  // the operator's support users (issue 23): the operator or a platform secret key only
  { method: 'GET', path: '/v1/support_users', access: 'members:read', secretOnly: true },
  {
    method: 'POST',
    path: '/v1/support_users',
    body: { email: 'suite-support@example.com' },
    required: 'email',
    wrongType: ['email', 'not-an-email'],
    access: 'members:write',
    secretOnly: true,
  },
  // :support_user_id a support user (test/auth/rbac.test.ts invites one per call; others: none by that id)
  {
    method: 'DELETE',
    path: '/v1/support_users/:support_user_id',
    access: 'members:write',
    secretOnly: true,
  },
  { method: 'GET', path: '/v1/connect/accounts', access: 'connect:read' },
  { method: 'GET', path: '/v1/fee_schedule', access: 'fees:read' },
  // the platform's fee revenue, GMV and take rate, and the operator's unit economics inputs
  { method: 'GET', path: '/v1/analytics/fees', access: 'analytics:read' },
  { method: 'GET', path: '/v1/analytics/fee_differences', access: 'analytics:read' },
  { method: 'GET', path: '/v1/analytics/mrr', access: 'analytics:read' },
  { method: 'GET', path: '/v1/analytics/movements', access: 'analytics:read' },
  { method: 'GET', path: '/v1/analytics/cohorts', access: 'analytics:read' },
  { method: 'GET', path: '/v1/analytics/ledger_check', access: 'analytics:read' },
  { method: 'GET', path: '/v1/analytics/summary', access: 'analytics:read' },
  { method: 'GET', path: '/v1/analytics/retention', access: 'analytics:read' },
  { method: 'GET', path: '/v1/analytics/inputs', access: 'analytics:read' },
  { method: 'GET', path: '/v1/analytics/unit_economics', access: 'analytics:read' },
  {
    method: 'POST',
    path: '/v1/analytics/inputs',
    body: { month: '2025-01', currency: 'usd', marketing_spend: 50_000 },
    required: 'month',
    wrongType: ['marketing_spend', 'lots'],
    access: 'analytics:write',
  },
  // the platform's plans catalogue (:plan_id a plan that does not exist: the suites change nothing)
  { method: 'GET', path: '/v1/billing/plans', access: 'billing:read' },
  {
    method: 'POST',
    path: '/v1/billing/plans',
    body: { name: 'Suite plan', lookup_key: 'suite-plan', public: false },
    required: 'name',
    wrongType: ['prices', 'free'],
    access: 'billing:write',
  },
  { method: 'GET', path: '/v1/billing/plans/:plan_id', access: 'billing:read' },
  {
    method: 'POST',
    path: '/v1/billing/plans/:plan_id',
    body: { name: 'Renamed plan' },
    wrongType: ['trial_days', 'two weeks'],
    access: 'billing:write',
  },
  {
    method: 'POST',
    path: '/v1/billing/plans/:plan_id/preview',
    body: { name: 'Previewed plan' },
    wrongType: ['thresholds', 80],
    access: 'billing:read',
  },
  { method: 'POST', path: '/v1/billing/plans/:plan_id/archive', access: 'billing:write' },
  {
    method: 'POST',
    path: '/v1/billing/plans/:plan_id/migrate',
    body: { currency: 'usd', interval: 'month' },
    required: 'currency',
    wrongType: ['interval', 'fortnight'],
    access: 'billing:write',
  },
  { method: 'GET', path: '/v1/billing/currency_rates', access: 'billing:read' },
  {
    method: 'POST',
    path: '/v1/billing/currency_rates',
    body: { rates: [{ from: 'eur', to: 'usd', rate: '1.08' }] },
    required: 'rates',
    wrongType: ['rates', 'eur=1.08'],
    access: 'billing:write',
  },
  // every tenant's dunning cases (:case_id a case that does not exist: the suites change nothing)
  { method: 'GET', path: '/v1/billing/dunning', access: 'billing:read' },
  { method: 'GET', path: '/v1/billing/dunning/:case_id', access: 'billing:read' },
  {
    method: 'POST',
    path: '/v1/billing/dunning/:case_id/retry',
    access: 'billing:write',
    idempotency: 'required',
  },
  {
    method: 'POST',
    path: '/v1/billing/dunning/:case_id/extend',
    body: { days: 3, note: 'Promised a transfer' },
    required: 'days',
    wrongType: ['days', 31],
    access: 'billing:write',
    idempotency: 'required',
  },
  {
    method: 'POST',
    path: '/v1/billing/dunning/:case_id/mark_paid',
    body: { note: 'Paid by bank transfer' },
    required: 'note',
    wrongType: ['note', 42],
    access: 'billing:write',
    idempotency: 'required',
  },
  { method: 'GET', path: '/v1/notifications', access: 'notifications:read' },
  { method: 'GET', path: '/v1/events', access: 'events:read' },
  { method: 'GET', path: '/v1/events/stats', access: 'events:read' },
  { method: 'GET', path: '/v1/events/:event_id', access: 'events:read' },
  { method: 'POST', path: '/v1/events/:event_id/replay', access: 'events:write' },
  { method: 'GET', path: '/v1/webhook_endpoints', access: 'webhook_endpoints:read' },
  {
    method: 'POST',
    path: '/v1/webhook_endpoints',
    body: { url: 'https://app.example.com/hooks', enabled_events: ['payment.succeeded'] },
    required: 'url',
    wrongType: ['enabled_events', 'payment.succeeded'],
    access: 'webhook_endpoints:write',
  },
  { method: 'GET', path: '/v1/webhook_endpoints/:endpoint_id', access: 'webhook_endpoints:read' },
  {
    method: 'POST',
    path: '/v1/webhook_endpoints/:endpoint_id',
    body: { disabled: true },
    wrongType: ['disabled', 'yes'],
    access: 'webhook_endpoints:write',
  },
  { method: 'DELETE', path: '/v1/webhook_endpoints/:endpoint_id', access: 'webhook_endpoints:write' },
  {
    method: 'POST',
    path: '/v1/webhook_endpoints/:endpoint_id/rotate_secret',
    access: 'webhook_endpoints:write',
  },
  {
    method: 'POST',
    path: '/v1/webhook_endpoints/:endpoint_id/resend_failed',
    access: 'webhook_endpoints:write',
  },
  { method: 'GET', path: '/v1/webhook_endpoints/:endpoint_id/attempts', access: 'webhook_endpoints:read' },
  {
    method: 'POST',
    path: '/v1/usage_events/batch',
    body: {
      events: [
        {
          tenant: 'ten_00000000000000000000000000000000',
          metric: 'api_calls',
          quantity: 1,
          timestamp: Math.floor(Date.now() / 1000),
          id: 'evt_suite',
        },
      ],
    },
    required: 'events',
    wrongType: ['events', 'many'],
    access: 'usage:write',
  },
  // support queries (support/, docs/support.md): a tenant's callers see their own tenant only; a
  // platform-wide caller names one (`tenant=`) or gives a reason (`reason=`)
  { method: 'GET', path: '/v1/support/customers', access: 'support:read' },
  { method: 'GET', path: '/v1/support/customers/:customer_id', access: 'support:read' },
];

/** Stripe's deliveries: raw signed bodies, so they are outside the JSON bad-input matrix (see test/webhooks). */
export const webhookRoutes: RouteCase[] = [
  { method: 'POST', path: '/webhooks/stripe', access: 'public' },
  { method: 'POST', path: '/webhooks/stripe/connect', access: 'public' },
];

export const authRoutes: RouteCase[] = [
  { method: 'GET', path: '/v1/setup', access: 'public' },
  {
    method: 'POST',
    path: '/v1/auth/setup',
    body: { token: 'x', email: 'op@example.com', password: 'correct horse battery', name: 'Op' },
    required: 'token',
    wrongType: ['password', 123],
    access: 'public',
  },
  {
    method: 'POST',
    path: '/v1/auth/login',
    body: { email: 'op@example.com', password: 'whatever-password' },
    required: 'email',
    wrongType: ['password', 5],
    access: 'public',
  },
  { method: 'POST', path: '/v1/auth/logout', access: 'public' },
  {
    method: 'POST',
    path: '/v1/auth/support_invitation',
    body: { token: 'x', password: 'a long support password' },
    required: 'token',
    wrongType: ['password', 5],
    access: 'public',
  },
  { method: 'GET', path: '/v1/auth/session', access: 'session' },
  { method: 'GET', path: '/auth/link/:token', access: 'public' },
];

/** Where Stripe sends the tenant's browser back (tokens in the query; see test/connect). */
export const connectRedirectRoutes: RouteCase[] = [
  { method: 'GET', path: '/connect/onboarding/return', access: 'public' },
  { method: 'GET', path: '/connect/onboarding/refresh', access: 'public' },
  { method: 'GET', path: '/connect/oauth/callback', access: 'public' },
];

/**
 * Links in e-mails, their token in the query: the billing contact's verification (test/web/branding.test.ts)
 * and a customer's card update page (test/payments/card-update-link.test.ts: forged, moved and expired tokens).
 */
export const emailLinkRoutes: RouteCase[] = [
  { method: 'GET', path: '/notifications/billing_contact/verify', access: 'public' },
  { method: 'POST', path: '/notifications/billing_contact/verify', access: 'public' },
  { method: 'GET', path: '/billing/update_card', access: 'public' },
  { method: 'POST', path: '/billing/update_card', access: 'public' },
];

/**
 * The recovery page's API: public routes that take only its signed token (test/billing/dunning-recovery.test.ts:
 * forged, expired and other tenants' tokens, the token on other routes).
 */
export const recoveryRoutes: RouteCase[] = [
  { method: 'GET', path: '/v1/recovery', access: 'recovery_token' },
  {
    method: 'POST',
    path: '/v1/recovery/pay',
    body: { invoice: 'in_suite', payment_method: 'pm_suite' },
    required: 'payment_method',
    wrongType: ['invoice', 42],
    access: 'recovery_token',
    idempotency: 'required',
  },
  { method: 'POST', path: '/v1/recovery/payment_methods/setup', access: 'recovery_token' },
  {
    method: 'POST',
    path: '/v1/recovery/payment_methods/confirm',
    body: { checkout_session: 'cs_test_suite' },
    required: 'checkout_session',
    wrongType: ['checkout_session', 42],
    access: 'recovery_token',
    idempotency: 'required',
  },
];

export const opsRoutes = ['GET /healthz', 'GET /readyz', 'GET /openapi.json'];

export const allRouteCases = [
  ...tenantRoutes,
  ...platformRoutes,
  ...authRoutes,
  ...webhookRoutes,
  ...connectRedirectRoutes,
  ...emailLinkRoutes,
  ...recoveryRoutes,
];
