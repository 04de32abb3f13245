import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../../src/db/tenant.ts';
import type { Jobs } from '../../src/jobs/boss.ts';
import { createLogger } from '../../src/logger.ts';
import { startWorker } from '../../src/runtime.ts';
import {
  asSession,
  createTestTenant,
  sessionFor,
  startTestApp,
  type TestApp,
  type TestSession,
  type TestTenant,
} from '../helpers/app.ts';
import { ownerSql, systemRows, waitFor } from '../helpers/webhooks.ts';
import { enqueueAlert, openSendJobs, outboxRow } from './outbox.ts';
import { startSmtp, type TestSmtp } from './smtp.ts';

/**
 * The send job against a real SMTP server: a permanent refusal (5xx) fails the e-mail at once and flags the
 * tenant's bounce; a temporary one (4xx) is retried; a row a crashed worker left `sending` goes out again
 * with the same Message-ID; an owner sends a failed one again from the API.
 */
describe('notification delivery over SMTP', () => {
  let smtp: TestSmtp;
  let t: TestApp;
  let jobs: Jobs;
  let tenant: TestTenant;
  let owner: TestSession;
  let member: TestSession;

  beforeAll(async () => {
    smtp = await startSmtp();
    t = await startTestApp({
      sandbox: false,
      env: {
        SMTP_URL: smtp.url,
        EMAIL_FROM: 'alerts@tributary.test',
        NOTIFICATION_RETRY_DELAY_SECONDS: '1',
        NOTIFICATION_RETRY_LIMIT: '1',
      },
    });
    jobs = await startWorker(t.config, t.database, createLogger('silent'));
    tenant = await createTestTenant(t, 'Delivery');
    owner = await sessionFor(t, tenant, 'owner@acme.test', 'owner');
    member = await sessionFor(t, tenant, 'member@acme.test', 'member');
    // an admin whose mailbox is gone: one of the tenant's own alert addresses
    await sessionFor(t, tenant, 'gone@acme.test', 'admin');
  });
  afterAll(async () => {
    await jobs.stop();
    await t.close();
    await smtp.close();
  });

  const api = (method: 'GET' | 'POST', path: string, session = owner) =>
    t.app.inject({ method, url: `/v1/tenants/${tenant.publicId}${path}`, headers: asSession(session) });
  const settled = (id: string, status: string) =>
    waitFor(async () => {
      const row = await outboxRow(t, id);
      return row.status === status ? row : null;
    }, `notification ${status}`);
  const arrivalsOf = (messageId: string) => smtp.arrivals.filter((a) => a.mail.messageId === messageId);

  it('a permanent refusal (550) fails it at once, without retry, and flags the bounce; a resend clears it', async () => {
    smtp.answer = (address) =>
      address === 'gone@acme.test' ? { code: 550, message: '5.1.1 mailbox unavailable' } : 'accept';
    const n = await enqueueAlert(t, jobs, tenant, 'bounce:1', ['gone@acme.test']);
    const failed = await settled(n.id, 'failed');
    expect(failed.attempts).toBe(1);
    expect(failed.last_error).toMatch(/550|mailbox unavailable/);
    // the row is failed before its job is recorded complete: wait for that, not a moment after the row
    await waitFor(async () => (await openSendJobs(t, n.id)) === 0 || null, 'its send job done');
    expect(smtp.rcptTries.filter((a) => a === 'gone@acme.test')).toHaveLength(1);
    const status = (await api('GET', '/notification_status')).json();
    expect(status).toMatchObject({
      transport: 'smtp',
      owner_alerts_sender: 'tributary',
      billing_address_bounces: true,
      bounce: { recipients: ['gone@acme.test'], notification: `ntf_${n.id.replaceAll('-', '')}` },
    });
    const [event] = await systemRows<{ data: Record<string, unknown> }>(
      t.database,
      `select data from outbound_events where type = 'notification.failed' and tenant_id = '${tenant.id}'`,
    );
    expect(event!.data).toMatchObject({ permanent: true, recipients: ['gone@acme.test'] });

    // the address is fixed: an owner sends it again (a member may not); the same Message-ID arrives
    const publicId = `ntf_${n.id.replaceAll('-', '')}`;
    const refused = await api('POST', `/notifications/${publicId}/resend`, member);
    expect(refused.statusCode).toBe(403);
    smtp.answer = () => 'accept';
    const resent = await api('POST', `/notifications/${publicId}/resend`);
    expect(resent.statusCode, resent.body).toBe(200);
    expect(resent.json()).toMatchObject({ status: 'pending', message_id: failed.message_id });
    const sent = await settled(n.id, 'sent');
    // a resend starts a fresh count of attempts; the resend itself is counted apart
    expect(sent.attempts).toBe(1);
    expect(sent.last_error).toBeNull();
    expect(arrivalsOf(failed.message_id)).toHaveLength(1);
    expect((await api('GET', '/notification_status')).json()).toMatchObject({
      billing_address_bounces: false,
      bounce: null,
    });
    // a pending one cannot be sent again: it is on its way
    const again = await enqueueAlert(t, jobs, tenant, 'bounce:pending', ['slow@acme.test'], {
      startAfter: 3600,
    });
    const pending = await api('POST', `/notifications/ntf_${again.id.replaceAll('-', '')}/resend`);
    expect(pending.statusCode).toBe(409);
    expect(pending.json().error.code).toBe('notification_not_resendable');
  });

  it('a temporary refusal (451) is retried with backoff and sent', async () => {
    let refusedOnce = false;
    smtp.answer = (address) => {
      if (address !== 'busy@acme.test' || refusedOnce) return 'accept';
      refusedOnce = true;
      return { code: 451, message: '4.3.0 try again later' };
    };
    const n = await enqueueAlert(t, jobs, tenant, 'temporary:1', ['busy@acme.test']);
    const sent = await settled(n.id, 'sent');
    expect(refusedOnce).toBe(true);
    expect(sent.attempts).toBe(2);
    expect(sent.last_error).toBeNull();
    expect(arrivalsOf(sent.message_id)).toHaveLength(1);
    expect(arrivalsOf(sent.message_id)[0]!.to).toEqual(['busy@acme.test']);
    expect((await api('GET', '/notification_status')).json().billing_address_bounces).toBe(false);
  });

  it('a server that keeps refusing for now (421): retried up to the limit, then failed, with no bounce', async () => {
    smtp.answer = (address) =>
      address === 'down@acme.test' ? { code: 421, message: '4.7.0 try again later' } : 'accept';
    const n = await enqueueAlert(t, jobs, tenant, 'temporary:exhausted', ['down@acme.test']);
    const failed = await settled(n.id, 'failed');
    // NOTIFICATION_RETRY_LIMIT=1: the first try and one retry
    expect(failed.attempts).toBe(2);
    // 421 closes the channel (RFC 5321): the pool reports the reply, or the close if it comes first
    expect(failed.last_error).toMatch(/421|try again later|connection was closed/);
    // the row is failed before its job is recorded complete: wait for that, not a moment after the row
    await waitFor(async () => (await openSendJobs(t, n.id)) === 0 || null, 'its send job done');
    const [event] = await systemRows<{ data: Record<string, unknown> }>(
      t.database,
      `select data from outbound_events where type = 'notification.failed'
         and data->>'notification' = 'ntf_${n.id.replaceAll('-', '')}'`,
    );
    expect(event!.data).toMatchObject({ permanent: false, attempts: 2 });
    expect((await api('GET', '/notification_status')).json().billing_address_bounces).toBe(false);

    // sent again by hand, it gets every retry again: one more refusal, then the server takes it
    let refusals = 0;
    smtp.answer = (address) =>
      address === 'down@acme.test' && refusals++ === 0
        ? { code: 421, message: '4.7.0 try again later' }
        : 'accept';
    const resent = await api('POST', `/notifications/ntf_${n.id.replaceAll('-', '')}/resend`);
    expect(resent.statusCode, resent.body).toBe(200);
    expect(resent.json()).toMatchObject({ status: 'pending', attempts: 0, resend_count: 1 });
    expect(resent.json().resent_at).toEqual(expect.any(Number));
    const sent = await settled(n.id, 'sent');
    expect(refusals).toBe(2);
    expect(sent.attempts).toBe(2);
    expect(arrivalsOf(sent.message_id)).toHaveLength(1);
  });

  it('a row left sending (the worker died after the SMTP send) is sent again with the same Message-ID', async () => {
    smtp.answer = () => 'accept';
    const n = await enqueueAlert(t, jobs, tenant, 'crash:1', ['owner@acme.test']);
    const first = await settled(n.id, 'sent');
    // what a crash between the send and its mark leaves: the row sending, its job tried again
    await ownerSql(t.database, `update notifications set status = 'sending' where id = '${n.id}'`);
    await withTenant(t.database.db, tenant.id, (tx) =>
      jobs.sendInTx(tx, 'notification-send', { tenantId: tenant.id, notificationId: n.id }),
    );
    const again = await waitFor(async () => {
      const row = await outboxRow(t, n.id);
      return row.status === 'sent' && row.attempts === 2 ? row : null;
    }, 'sent again');
    expect(again.message_id).toBe(first.message_id);
    expect(arrivalsOf(first.message_id)).toHaveLength(2);
  });

  it('the list shows the rendered e-mails, newest first, to members too', async () => {
    const res = await api('GET', '/notifications?limit=2', member);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.has_more).toBe(true);
    expect(body.data[0]).toMatchObject({
      object: 'notification',
      template: 'dispute_opened',
      status: 'sent',
      subject: 'Action required: a $40.00 payment to Delivery is disputed',
      dedup_key: 'crash:1',
    });
    expect(body.data[0].text).toContain('December 20, 2026');
    expect(body.data[0].html).toContain('<!doctype html>');
  });
});
