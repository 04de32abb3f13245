import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { withTenant } from '../../src/db/tenant.ts';
import { fromPublicId } from '../../src/http/ids.ts';
import type { Jobs } from '../../src/jobs/boss.ts';
import { createLogger } from '../../src/logger.ts';
import { alertOwners } from '../../src/notifications/service.ts';
import { startWorker } from '../../src/runtime.ts';
import {
  bearer,
  createTestTenant,
  sessionFor,
  startTestApp,
  type TestApp,
  type TestTenant,
} from '../helpers/app.ts';
import { ownerSql, waitFor } from '../helpers/webhooks.ts';
import { openSendJobs, outboxRow } from './outbox.ts';

const data = {
  disputeId: 'dsp_0',
  paymentId: 'pay_0',
  amount: 500,
  currency: 'eur',
  reason: 'duplicate',
  evidenceDueBy: null,
};

describe('who sends owner alerts', () => {
  let t: TestApp;
  let jobs: Jobs;
  let tenant: TestTenant;

  beforeAll(async () => {
    t = await startTestApp({ sandbox: false, env: { OWNER_ALERTS_SENDER: 'tributary' } });
    jobs = await startWorker(t.config, t.database, createLogger('silent'));
    tenant = await createTestTenant(t, 'Senders');
    await sessionFor(t, tenant, 'Owner@Senders.test', 'owner');
    await sessionFor(t, tenant, 'admin@senders.test', 'admin');
    await sessionFor(t, tenant, 'member@senders.test', 'member');
  });
  afterAll(async () => {
    await jobs.stop();
    await t.close();
  });

  const alert = (config: TestApp['config'], dedupKey: string) =>
    withTenant(t.database.db, tenant.id, (tx) =>
      alertOwners(
        tx,
        { config, enqueue: (queue, payload) => jobs.sendInTx(tx, queue, payload) },
        { tenantId: tenant.id, template: 'dispute_opened', data, dedupKey },
      ),
    );
  const byKey = async (key: string) => {
    const list = await t.app.inject({
      method: 'GET',
      url: `/v1/tenants/${tenant.publicId}/notifications?limit=100`,
      headers: bearer(tenant.key),
    });
    return list.json().data.find((n: { dedup_key: string }) => n.dedup_key === key);
  };

  it('without SMTP_URL, Tributary keeps the e-mail in the outbox as sent to the mailbox', async () => {
    expect(t.config.email.transport).toBe('mailbox');
    expect((await alert(t.config, 'mailbox:1')).sender).toBe('tributary');
    const n = await byKey('mailbox:1');
    expect(n.recipients).toEqual(['admin@senders.test', 'owner@senders.test']);
    const row = await waitFor(async () => {
      const r = await outboxRow(t, fromPublicId('notification', n.id)!);
      return r.status === 'sent' ? r : null;
    }, 'kept in the mailbox');
    expect(row.provider_message_id).toBe('mailbox');
    expect(row.attempts).toBe(1);
    // the same cause again writes nothing
    await alert(t.config, 'mailbox:1');
    const list = await t.app.inject({
      method: 'GET',
      url: `/v1/tenants/${tenant.publicId}/notifications?limit=100`,
      headers: bearer(tenant.key),
    });
    expect(list.json().data.filter((x: { dedup_key: string }) => x.dedup_key === 'mailbox:1')).toHaveLength(
      1,
    );
  });

  it('with OWNER_ALERTS_SENDER=platform the alert is kept suppressed and never sent', async () => {
    const platform = { ...t.config, email: { ...t.config.email, ownerAlertsSender: 'platform' as const } };
    expect((await alert(platform, 'platform:1')).sender).toBe('platform');
    const n = await byKey('platform:1');
    expect(n).toMatchObject({ status: 'suppressed', attempts: 0, provider_message_id: null });
    const id = fromPublicId('notification', n.id)!;
    expect(await openSendJobs(t, id)).toBe(0);
  });

  it('a verified billing contact receives owner alerts too; an unverified one does not', async () => {
    await ownerSql(
      t.database,
      `update tenants set billing_contact_email = 'billing@outside.test' where id = '${tenant.id}'`,
    );
    await alert(t.config, 'contact:unverified');
    expect((await byKey('contact:unverified')).recipients).not.toContain('billing@outside.test');
    await ownerSql(
      t.database,
      `update tenants set billing_contact_verified_at = now() where id = '${tenant.id}'`,
    );
    await alert(t.config, 'contact:verified');
    expect((await byKey('contact:verified')).recipients).toEqual([
      'admin@senders.test',
      'owner@senders.test',
      'billing@outside.test',
    ]);
    await ownerSql(
      t.database,
      `update tenants set billing_contact_email = null, billing_contact_verified_at = null where id = '${tenant.id}'`,
    );
  });

  it('configuration: defaults by mode, and clear refusals', () => {
    const base = { NODE_ENV: 'test' };
    expect(loadConfig(base).email).toMatchObject({ transport: 'mailbox', ownerAlertsSender: 'tributary' });
    const pg = { ...base, DATABASE_URL: 'postgres://db/x' };
    expect(loadConfig(pg).email.ownerAlertsSender).toBe('platform');
    const smtp = {
      ...pg,
      SMTP_URL: 'smtps://u:p@mail.example.com:465',
      EMAIL_FROM: 'Acme <billing@acme.com>',
    };
    expect(loadConfig(smtp).email).toMatchObject({
      transport: 'smtp',
      ownerAlertsSender: 'tributary',
      domain: 'acme.com',
      from: 'Acme <billing@acme.com>',
    });
    expect(() => loadConfig({ ...base, SMTP_URL: 'smtp://mail.example.com' })).toThrow(
      /EMAIL_FROM: required with SMTP_URL/,
    );
    expect(() => loadConfig({ ...base, SMTP_URL: 'http://mail.example.com', EMAIL_FROM: 'a@b.c' })).toThrow(
      /SMTP_URL: must be smtp:/,
    );
    expect(() => loadConfig({ ...base, EMAIL_FROM: 'Acme <not an address>' })).toThrow(/EMAIL_FROM/);
    expect(() =>
      loadConfig({
        NODE_ENV: 'production',
        TRIBUTARY_TEST_CRASH_AFTER_SMTP_SEND: '1',
        DATABASE_APP_PASSWORD: 'x'.repeat(16),
        TOKEN_SIGNING_SECRETS: 's'.repeat(32),
      }),
    ).toThrow(/TRIBUTARY_TEST_CRASH_AFTER_SMTP_SEND: a test hook/);
  });
});
