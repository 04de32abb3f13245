import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireChargesEnabled } from '../../src/connect/service.ts';
import { withTenant } from '../../src/db/tenant.ts';
import { bearer, createTestTenant } from '../helpers/app.ts';
import { type Pipeline, startPipeline, systemRows, waitFor } from '../helpers/webhooks.ts';

/** Status kept current by Stripe's events through the webhook pipeline (signed delivery → job → handler). */
describe('Connect status from webhooks', () => {
  let p: Pipeline;
  beforeAll(async () => {
    p = await startPipeline();
  });
  afterAll(() => p.close());

  it('account.updated enables the account; account.application.deauthorized flips it and blocks charges', async () => {
    const tenant = await createTestTenant(p.t, 'Connect webhooks');
    const status = () =>
      p.t.app
        .inject({
          method: 'GET',
          url: `/v1/tenants/${tenant.publicId}/connect/status`,
          headers: bearer(tenant.key),
        })
        .then((r) => r.json());
    const created = await p.t.app.inject({
      method: 'POST',
      url: `/v1/tenants/${tenant.publicId}/connect/account`,
      headers: bearer(tenant.key),
      payload: {},
    });
    expect(created.statusCode, created.body).toBe(200);
    const acct = created.json().account_id as string;

    // onboarding finished on Stripe's side, with no browser coming back: only the webhook tells us
    const done = await fetch(`${p.sandbox.url}/_sandbox/accounts/${acct}/onboarding`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ action: 'complete' }),
    });
    expect(done.status).toBe(200);
    const enabled = await waitFor(async () => {
      const s = await status();
      return s.status === 'enabled' ? s : null;
    }, 'account.updated applied');
    expect(enabled.last_event_at).toBeGreaterThan(0);

    await p.stripe.oauth.deauthorize({ client_id: p.sandbox.connectClientId, stripe_user_id: acct });
    const gone = await waitFor(async () => {
      const s = await status();
      return s.status === 'deauthorized' ? s : null;
    }, 'deauthorization applied');
    expect(gone).toMatchObject({ charges_enabled: false, account_id: acct });
    await withTenant(p.t.database.db, tenant.id, async (tx) => {
      await expect(requireChargesEnabled(tx, tenant.id)).rejects.toMatchObject({
        code: 'account_not_connected',
      });
    });
    const audit = await p.t.app.inject({
      method: 'GET',
      url: `/v1/tenants/${tenant.publicId}/audit_log?limit=100`,
      headers: bearer(tenant.key),
    });
    expect(audit.json().data.map((e: { action: string }) => e.action)).toContain('connect.deauthorized');
    const outbound = await systemRows<{ type: string }>(
      p.t.database,
      `select type from outbound_events where tenant_id = '${tenant.id}' and type = 'account.deauthorized'`,
    );
    expect(outbound).toHaveLength(1);
  });
});

describe('objects with the same Stripe id on two accounts', () => {
  let p: Pipeline;
  beforeAll(async () => {
    p = await startPipeline();
  });
  afterAll(() => p.close());

  // A capability is `card_payments` on every account: each tenant's copy must apply, never the other's.
  it('capability.updated for two tenants is applied to each, and neither sees the other', async () => {
    const tenants = [
      await createTestTenant(p.t, 'Capability A'),
      await createTestTenant(p.t, 'Capability B'),
    ];
    const accounts: string[] = [];
    for (const tenant of tenants) {
      const created = await p.t.app.inject({
        method: 'POST',
        url: `/v1/tenants/${tenant.publicId}/connect/account`,
        headers: bearer(tenant.key),
        payload: {},
      });
      accounts.push(created.json().account_id as string);
    }
    for (const acct of accounts) {
      const done = await fetch(`${p.sandbox.url}/_sandbox/accounts/${acct}/onboarding`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ action: 'complete' }),
      });
      expect(done.status).toBe(200);
    }
    const rows = await waitFor(async () => {
      const found = await systemRows<{ tenant_id: string; account: string; status: string }>(
        p.t.database,
        `select tenant_id, account, data->>'status' as status from stripe_objects
          where object = 'capability' and id = 'card_payments' and account in ('${accounts.join("','")}')`,
      );
      return found.length === 2 && found.every((r) => r.status === 'active') ? found : null;
    }, 'both capabilities applied');
    expect(new Set(rows.map((r) => r.tenant_id))).toEqual(new Set(tenants.map((t) => t.id)));
    const dead = await systemRows<{ id: string }>(
      p.t.database,
      `select id from stripe_events where type = 'capability.updated' and account in ('${accounts.join("','")}') and status in ('failed', 'dead')`,
    );
    expect(dead).toEqual([]);
  });
});
