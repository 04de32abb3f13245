import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { systemReasons } from '../../src/db/system-reasons.ts';

const src = fileURLToPath(new URL('../../src', import.meta.url));

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

// Every bypass of tenant isolation is a declared, reviewed reason: a new call site must name one (a system
// transaction, or the system role for a step inside a tenant's).
describe('withSystem call sites', () => {
  const uses = files(src).flatMap((file) => {
    const text = readFileSync(file, 'utf8');
    return [
      ...text.matchAll(/(?:withSystem|withSystemReadOnly|asSystemInTx)\(\s*[\w.]+\s*,\s*'([^']+)'/g),
    ].map((m) => ({
      file: file.slice(src.length + 1),
      reason: m[1]!,
    }));
  });
  const calls = files(src).reduce(
    (n, file) =>
      n +
      (readFileSync(file, 'utf8').match(/(?:withSystem|withSystemReadOnly|asSystemInTx)\(/g)?.length ?? 0),
    0,
  );

  it('every call names a declared reason as a literal', () => {
    // definitions: the function itself in db/tenant.ts, and db/read-only.ts passing its caller's reason on
    expect(uses.length).toBe(calls - 2);
    const undeclared = uses.filter((u) => !(u.reason in systemReasons));
    expect(undeclared).toEqual([]);
  });

  it('every declared reason is used', () => {
    const used = new Set(uses.map((u) => u.reason));
    expect(Object.keys(systemReasons).filter((r) => !used.has(r))).toEqual([]);
  });

  it('lists the audited call sites', () => {
    const sites = [...new Set(uses.map((u) => `${u.file}: ${u.reason}`))].sort();
    expect(sites).toMatchInlineSnapshot(`
      [
        "analytics/drilldown-names.ts: operator.analytics",
        "analytics/fee-report.ts: operator.analytics",
        "analytics/inputs.ts: operator.analytics",
        "analytics/ledger-check.ts: analytics.ledger_check",
        "analytics/service.ts: analytics.platform_mrr",
        "analytics/service.ts: operator.analytics",
        "analytics/snapshot-job.ts: analytics.snapshots",
        "analytics/unit-economics-report.ts: operator.analytics",
        "api-keys/service.ts: operator.platform_keys",
        "audit/service.ts: operator.audit",
        "auth/service.ts: auth.api_key_lookup",
        "auth/service.ts: auth.dashboard_link_consume",
        "auth/service.ts: auth.dashboard_link_user",
        "auth/service.ts: auth.login",
        "auth/service.ts: auth.session_lookup",
        "auth/service.ts: auth.setup",
        "auth/support-users.ts: auth.support_invitation_consume",
        "auth/support-users.ts: operator.support_users",
        "billing/dunning/jobs.ts: billing.dunning_due",
        "billing/dunning/operator.ts: operator.dunning",
        "billing/plans/migrate.ts: operator.billing",
        "billing/plans/rebase.ts: operator.billing_subscribers",
        "billing/plans/service.ts: operator.billing",
        "billing/plans/stripe.ts: operator.billing",
        "billing/plans/subscribers.ts: operator.billing",
        "billing/plans/subscribers.ts: operator.billing_subscribers",
        "connect/oauth.ts: connect.oauth_state",
        "connect/onboarding.ts: connect.onboarding_redirect",
        "connect/status.ts: operator.connect_accounts",
        "maintenance.ts: jobs.maintenance",
        "notifications/service.ts: notifications.operator_mailbox",
        "notifications/verification-limit.ts: notifications.verification_limit",
        "payments/customers/expiring-cards.ts: notifications.reminder_scan",
        "subscriptions/reminders.ts: notifications.reminder_scan",
        "support/audit.ts: operator.audit",
        "support/service.ts: support.search",
        "tenants/service.ts: operator.tenants",
        "webhooks/backfill.ts: webhooks.ingest",
        "webhooks/backfill.ts: webhooks.operator_events",
        "webhooks/batch.ts: webhooks.claim",
        "webhooks/batch.ts: webhooks.platform_events",
        "webhooks/events-service.ts: webhooks.operator_events",
        "webhooks/inbox.ts: webhooks.ingest",
        "webhooks/outbound/deliver.ts: webhooks.outbound_delivery",
        "webhooks/outbound/service.ts: webhooks.endpoints",
        "webhooks/platform-billing.ts: webhooks.route",
        "webhooks/route-stored.ts: webhooks.route",
        "webhooks/route.ts: webhooks.route",
      ]
    `);
  });
});
