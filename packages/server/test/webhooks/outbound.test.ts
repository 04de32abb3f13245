import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { withSystem } from '../../src/db/tenant.ts';
import type { Jobs } from '../../src/jobs/boss.ts';
import { startWorker } from '../../src/runtime.ts';
import { emitOutbound } from '../../src/webhooks/outbound/emit.ts';
import { type OutboundEventType, outboundEventTypes } from '../../src/webhooks/outbound/event-types.ts';
import { bearer, startTestApp, type TestApp } from '../helpers/app.ts';
import { createDatabase } from '../helpers/db.ts';
import { ownerSql, systemRows, waitFor } from '../helpers/webhooks.ts';

interface Received {
  at: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * The platform's app on loopback: `respond` decides each request's fate by its index (a status, or
 * 'hang' to answer only after the client gave up).
 */
async function receiver(respond: (n: number) => number | 'hang') {
  const got: Received[] = [];
  const hanging = new Set<() => void>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const n = got.length;
      got.push({
        at: Date.now(),
        headers: req.headers as Record<string, string>,
        body: Buffer.concat(chunks).toString(),
      });
      const r = respond(n);
      if (r === 'hang') {
        const done = () => res.writeHead(200).end();
        hanging.add(done);
        req.socket.on('close', () => hanging.delete(done));
      } else {
        res.writeHead(r).end();
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    got,
    close: () => {
      for (const done of hanging) done();
      server.closeAllConnections();
      server.close();
    },
  };
}

// Short schedule: three attempts one second apart; a 2 s timeout (generous: loopback on a busy machine).
const RETRY_DELAY_S = 1;
const env = {
  OUTBOUND_RETRY_SCHEDULE: `${RETRY_DELAY_S},${RETRY_DELAY_S}`,
  OUTBOUND_TIMEOUT_MS: '2000',
};

describe('outbound webhooks', () => {
  let t: TestApp;
  let jobs: Jobs;
  const errorLogs: Record<string, unknown>[] = [];
  const receivers: { close(): void }[] = [];
  let seq = 0;

  beforeAll(async () => {
    // a database of its own: the worker here would otherwise also deliver other files' events to their
    // endpoints (unreachable hosts), and the short schedule below would not hold
    t = await startTestApp({ env, database: await createDatabase() });
    const log = pino({ level: 'error' }, { write: (line: string) => errorLogs.push(JSON.parse(line)) });
    jobs = await startWorker(t.config, t.database, log);
  });
  afterAll(async () => {
    for (const r of receivers) r.close();
    await jobs.stop();
    await t.close();
    await t.database.close();
  });

  /** An endpoint subscribed to one event type no other test's endpoint takes, so their events never reach it. */
  async function endpoint(
    respond: (n: number) => number | 'hang',
    type: OutboundEventType = outboundEventTypes[++seq % outboundEventTypes.length]!,
  ) {
    const app = await receiver(respond);
    receivers.push(app);
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/webhook_endpoints',
      headers: bearer(t.platformKey),
      payload: { url: app.url, enabled_events: [type] },
    });
    expect(res.statusCode, res.body).toBe(200);
    const ep = res.json() as { id: string; secret: string };
    return { app, type, id: ep.id, secret: ep.secret };
  }

  const emit = (type: OutboundEventType, data: Record<string, unknown> = { object: { id: `obj_${seq}` } }) =>
    withSystem(t.database.db, 'webhooks.outbound_delivery', (tx) =>
      emitOutbound(tx, jobs, { tenantId: null, type, data }),
    );

  const api = (url: string, method: 'GET' | 'POST' = 'GET', payload?: object) =>
    t.app.inject({ method, url, headers: bearer(t.platformKey), ...(payload ? { payload } : {}) });

  const delivery = async (eventId: string) =>
    (
      await systemRows<{ status: string; attempts: number; endpoint_id: string }>(
        t.database,
        `select status, attempts, endpoint_id from outbound_deliveries where event_id = '${eventId}'`,
      )
    )[0];

  const settled = (eventId: string) =>
    waitFor(async () => {
      const d = await delivery(eventId);
      return d && d.status !== 'pending' ? d : null;
    }, `delivery of ${eventId} settled`);

  const attempts = async (endpointId: string) => {
    const res = await api(`/v1/webhook_endpoints/${endpointId}/attempts`);
    expect(res.statusCode, res.body).toBe(200);
    return (
      res.json() as {
        data: {
          attempt: number;
          response_status: number | null;
          error: string | null;
          duration_ms: number;
        }[];
      }
    ).data.toReversed();
  };

  it('the default schedule retries with increasing delays for at least 3 days', () => {
    const config = loadConfig({ NODE_ENV: 'test' });
    const schedule = config.outboundRetrySchedule;
    expect(schedule.length).toBeGreaterThanOrEqual(5);
    for (let i = 1; i < schedule.length; i++) expect(schedule[i]!).toBeGreaterThanOrEqual(schedule[i - 1]!);
    expect(schedule.at(-1)!).toBeGreaterThan(schedule[0]!);
    const total = schedule.reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThanOrEqual(3 * 86_400);
    // a delivery that exhausts the schedule has failed for longer than the disable window: a dead endpoint
    // is disabled by its first exhausted delivery
    expect(total).toBeGreaterThanOrEqual(config.OUTBOUND_DISABLE_AFTER_HOURS * 3600);
  });

  it('retries a non-2xx answer on the schedule, then succeeds; attempts are visible through the API', async () => {
    const ep = await endpoint((n) => (n === 0 ? 500 : 200));
    const id = await emit(ep.type);
    expect(id).not.toBeNull();
    const d = await settled(id!);
    expect(d).toMatchObject({ status: 'succeeded', attempts: 2 });
    expect(ep.app.got).toHaveLength(2);
    // the retry waited for the schedule's delay (the delay is a lower bound; pg-boss may start it later)
    expect(ep.app.got[1]!.at - ep.app.got[0]!.at).toBeGreaterThanOrEqual(RETRY_DELAY_S * 1000 - 50);
    // the same message both times: same id, each attempt verifiable with the endpoint's secret
    for (const g of ep.app.got) {
      const verified = new Webhook(ep.secret).verify(g.body, g.headers) as { type: string };
      expect(verified.type).toBe(ep.type);
      expect(g.headers['webhook-id']).toBe(ep.app.got[0]!.headers['webhook-id']);
    }
    expect(await attempts(ep.id)).toMatchObject([
      { attempt: 1, response_status: 500, error: 'HTTP 500' },
      { attempt: 2, response_status: 200, error: null },
    ]);
    const got = (await api(`/v1/webhook_endpoints/${ep.id}`)).json();
    expect(got).toMatchObject({ status: 'enabled', failing_since: null });
  });

  it('retries a timed-out attempt', async () => {
    const ep = await endpoint((n) => (n === 0 ? 'hang' : 204));
    const id = await emit(ep.type);
    const d = await settled(id!);
    expect(d).toMatchObject({ status: 'succeeded', attempts: 2 });
    const [first, second] = await attempts(ep.id);
    expect(first).toMatchObject({ attempt: 1, response_status: null });
    expect(first!.error).toMatch(/TimeoutError|abort/i);
    expect(second).toMatchObject({ attempt: 2, response_status: 204, error: null });
  });

  it('gives up after the schedule; the endpoint stays enabled while it has failed for less than the window', async () => {
    // down for the first three requests (the whole schedule), up again afterwards
    const ep = await endpoint((n) => (n < 3 ? 503 : 200));
    const id = await emit(ep.type);
    const d = await settled(id!);
    // one first attempt + one per scheduled delay
    expect(d).toMatchObject({
      status: 'failed',
      attempts: env.OUTBOUND_RETRY_SCHEDULE.split(',').length + 1,
    });
    expect(ep.app.got).toHaveLength(3);
    expect((await attempts(ep.id)).map((a) => a.response_status)).toEqual([503, 503, 503]);
    const page = (await api(`/v1/webhook_endpoints/${ep.id}/attempts?limit=2`)).json();
    expect(page.has_more).toBe(true);
    expect(page.data.map((a: { attempt: number }) => a.attempt)).toEqual([3, 2]);
    const got = (await api(`/v1/webhook_endpoints/${ep.id}`)).json();
    expect(got.status).toBe('enabled');
    expect(got.failing_since).toEqual(expect.any(Number));

    // the app is back: what gave up is sent again, once
    const resent = await api(`/v1/webhook_endpoints/${ep.id}/resend_failed`, 'POST');
    expect(resent.statusCode, resent.body).toBe(200);
    expect(resent.json()).toMatchObject({ object: 'resend', deliveries: 1 });
    await waitFor(async () => (await delivery(id!))?.status === 'succeeded', 'resent delivery succeeded');
    expect(ep.app.got).toHaveLength(4);
    const again = await api(`/v1/webhook_endpoints/${ep.id}/resend_failed`, 'POST');
    expect(again.json()).toMatchObject({ deliveries: 0 });
  });

  it('disables an endpoint failing for longer than OUTBOUND_DISABLE_AFTER_HOURS, with an audit entry and an error log', async () => {
    const ep = await endpoint(() => 500);
    // the endpoint has been failing for longer than the window (time stored in the database, not slept)
    const hours = t.config.OUTBOUND_DISABLE_AFTER_HOURS + 1;
    await ownerSql(
      t.database,
      `update webhook_endpoints set failing_since = now() - interval '${hours} hours' where url = '${ep.app.url}'`,
    );
    const id = await emit(ep.type);
    expect(await settled(id!)).toMatchObject({ status: 'failed', attempts: 3 });
    const got = await waitFor(async () => {
      const r = (await api(`/v1/webhook_endpoints/${ep.id}`)).json();
      return r.status === 'disabled' ? r : null;
    }, 'endpoint disabled');
    expect(got.disabled_reason).toMatch(/failing since .*HTTP 500/);
    const audit = (await api('/v1/audit_log?limit=100')).json() as {
      data: { action: string; target: unknown; data: unknown }[];
    };
    const entry = audit.data.find(
      (a) => a.action === 'webhook_endpoint.disabled' && JSON.stringify(a).includes(ep.app.url),
    );
    expect(entry, JSON.stringify(audit.data.slice(0, 5))).toBeDefined();
    const alert = errorLogs.find((l) => l.url === ep.app.url);
    expect(alert).toMatchObject({ endpoint: ep.id, msg: expect.stringMatching(/disabled/) });

    // a disabled endpoint receives nothing more (an enabled one subscribed to the same type does);
    // enabling it again clears the failure
    const control = await endpoint(() => 200, ep.type);
    const later = await emit(ep.type);
    expect(await settled(later!)).toMatchObject({ status: 'succeeded' });
    const deliveries = await systemRows<{ endpoint_id: string }>(
      t.database,
      `select endpoint_id from outbound_deliveries where event_id = '${later}'`,
    );
    expect(deliveries).toHaveLength(1);
    expect(control.app.got).toHaveLength(1);
    expect(ep.app.got).toHaveLength(3);
    const enabled = await api(`/v1/webhook_endpoints/${ep.id}`, 'POST', { disabled: false });
    expect(enabled.json()).toMatchObject({ status: 'enabled', failing_since: null, disabled_reason: null });
  });

  it('a delivery pending for an endpoint disabled meanwhile is skipped', async () => {
    const ep = await endpoint((n) => (n === 0 ? 500 : 200));
    const id = await emit(ep.type);
    await waitFor(
      async () => ep.app.got.length >= 1 && (await delivery(id!))?.attempts === 1,
      'first attempt',
    );
    await api(`/v1/webhook_endpoints/${ep.id}`, 'POST', { disabled: true });
    expect(await settled(id!)).toMatchObject({ status: 'skipped', attempts: 1 });
    expect(ep.app.got).toHaveLength(1);
  });

  it('secret rotation: both signatures during the grace period, only the new one after it', async () => {
    const ep = await endpoint(() => 200);
    const rotated = await api(`/v1/webhook_endpoints/${ep.id}/rotate_secret`, 'POST');
    expect(rotated.statusCode, rotated.body).toBe(200);
    const newSecret = rotated.json().secret as string;
    expect(newSecret).toMatch(/^whsec_/);
    expect(newSecret).not.toBe(ep.secret);

    const during = await emit(ep.type);
    expect(await settled(during!)).toMatchObject({ status: 'succeeded' });
    const first = ep.app.got.at(-1)!;
    expect(first.headers['webhook-signature']!.split(' ')).toHaveLength(2);
    // an app still on the old secret and one already on the new one both verify
    expect(new Webhook(ep.secret).verify(first.body, first.headers)).toMatchObject({ type: ep.type });
    expect(new Webhook(newSecret).verify(first.body, first.headers)).toMatchObject({ type: ep.type });

    // the grace period ends (moved into the past in the database rather than waited for)
    await ownerSql(
      t.database,
      `update webhook_endpoints set previous_secrets = (select jsonb_agg(jsonb_set(e, '{expires_at}', '"2000-01-01T00:00:00.000Z"')) from jsonb_array_elements(previous_secrets) e) where url = '${ep.app.url}'`,
    );
    const after = await emit(ep.type);
    expect(await settled(after!)).toMatchObject({ status: 'succeeded' });
    const second = ep.app.got.at(-1)!;
    expect(second.body).toContain(after!.replaceAll('-', ''));
    expect(second.headers['webhook-signature']!.split(' ')).toHaveLength(1);
    expect(new Webhook(newSecret).verify(second.body, second.headers)).toMatchObject({ type: ep.type });
    expect(() => new Webhook(ep.secret).verify(second.body, second.headers)).toThrow();
  });

  it('two rotations inside the grace period: all three secrets sign until their own grace ends', async () => {
    const ep = await endpoint(() => 200);
    const rotate = async () =>
      (await api(`/v1/webhook_endpoints/${ep.id}/rotate_secret`, 'POST')).json().secret as string;
    const second = await rotate();
    const third = await rotate();
    const id = await emit(ep.type);
    expect(await settled(id!)).toMatchObject({ status: 'succeeded' });
    const got = ep.app.got.at(-1)!;
    expect(got.headers['webhook-signature']!.split(' ')).toHaveLength(3);
    for (const secret of [ep.secret, second, third]) {
      expect(new Webhook(secret).verify(got.body, got.headers)).toMatchObject({ type: ep.type });
    }
  });

  it('an endpoint subscribes only to event types Tributary sends, or *', async () => {
    const create = (enabled_events: string[]) =>
      api('/v1/webhook_endpoints', 'POST', { url: 'https://app.example.com/hooks', enabled_events });
    const bad = await create(['payment.succeeded', 'payment.succeded']);
    expect(bad.statusCode, bad.body).toBe(400);
    expect(bad.json().error).toMatchObject({ code: 'event_type_unknown', param: 'enabled_events[1]' });
    expect(bad.json().error.message).toContain("'payment.succeded'");
    // prefix patterns are not matched by the fan-out: refused rather than silently never delivered
    expect((await create(['invoice.*'])).json().error.code).toBe('event_type_unknown');

    const ok = await create(['payment.succeeded', 'dispute.closed']);
    expect(ok.statusCode, ok.body).toBe(200);
    const all = await create(['*']);
    expect(all.json().enabled_events).toEqual(['*']);
    const edit = await api(`/v1/webhook_endpoints/${ok.json().id}`, 'POST', { enabled_events: ['anything'] });
    expect(edit.statusCode, edit.body).toBe(400);
    expect(edit.json().error.code).toBe('event_type_unknown');
    const kept = await api(`/v1/webhook_endpoints/${ok.json().id}`);
    expect(kept.json().enabled_events).toEqual(['payment.succeeded', 'dispute.closed']);
  });
});
