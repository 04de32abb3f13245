import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, startTestApp, TEST_WEBHOOK_SECRET, type TestApp } from '../helpers/app.ts';
import { deliver, fakeEvent, ownerSql, sign, systemRows } from '../helpers/webhooks.ts';

const ROTATED = 'whsec_tributary_rotated_secret';

describe('inbound Stripe webhooks', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { STRIPE_WEBHOOK_SECRETS: `${TEST_WEBHOOK_SECRET}, ${ROTATED}` } });
  });
  afterAll(() => t.close());

  // read as the owner: the app role sees no rows of other tenants, by design
  const ownerRows = <T>(q: string) => systemRows<T>(t.database, q);
  const jobsFor = async (id: string) =>
    (
      await ownerRows<{ n: number }>(
        `select count(*)::int as n from pgboss.job where name = 'stripe-event'
           and (data->>'eventId' = '${id}' or data->'eventIds' ? '${id}')`,
      )
    )[0]!.n;
  const eventRow = async (id: string) =>
    (await ownerRows<Record<string, unknown>>(`select * from stripe_events where id = '${id}'`))[0];

  describe('signature', () => {
    const now = () => Math.floor(Date.now() / 1000);
    const cases: [string, (payload: string) => string | null, number, string | null][] = [
      ['valid', (p) => sign(p), 200, null],
      ['second secret during rotation', (p) => sign(p, ROTATED), 200, null],
      ['wrong secret', (p) => sign(p, 'whsec_wrong'), 400, 'signature_invalid'],
      [
        'expired timestamp',
        (p) => sign(p, TEST_WEBHOOK_SECRET, now() - 400),
        400,
        'signature_timestamp_out_of_tolerance',
      ],
      [
        'future timestamp beyond tolerance',
        (p) => sign(p, TEST_WEBHOOK_SECRET, now() + 400),
        400,
        'signature_timestamp_out_of_tolerance',
      ],
      ['timestamp within tolerance (future)', (p) => sign(p, TEST_WEBHOOK_SECRET, now() + 200), 200, null],
      ['v0 only', (p) => sign(p).replace('v1=', 'v0='), 400, 'signature_scheme_unsupported'],
      ['missing header', () => null, 400, 'signature_missing'],
      ['malformed header', () => 'garbage', 400, 'signature_malformed'],
      ['no timestamp', (p) => sign(p).replace(/t=\d+,/, ''), 400, 'signature_malformed'],
    ];
    for (const [name, header, status, code] of cases) {
      it(name, async () => {
        const event = fakeEvent();
        const payload = JSON.stringify(event);
        const res = await deliver(t, payload, { header: header(payload) });
        expect(res.statusCode, res.body).toBe(status);
        if (code) {
          expect(res.json().error.code).toBe(code);
          expect(await eventRow(String(event.id))).toBeUndefined();
        } else {
          expect(res.json()).toEqual({ received: true, duplicate: false });
        }
      });
    }

    it('tampered body', async () => {
      const event = fakeEvent();
      const payload = JSON.stringify(event);
      const header = sign(payload);
      const res = await deliver(t, payload.replace('"amount":2000', '"amount":9000'), { header });
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe('signature_invalid');
      expect(await eventRow(String(event.id))).toBeUndefined();
    });

    it('verifies the raw bytes, whitespace included', async () => {
      const payload = JSON.stringify(fakeEvent(), null, 2);
      expect((await deliver(t, payload)).statusCode).toBe(200);
    });
  });

  it('a body that is not an event is a 400; a live event in test mode is a 400', async () => {
    expect((await deliver(t, '{"hello":1}')).json().error.code).toBe('webhook_payload_invalid');
    expect((await deliver(t, 'not json')).json().error.code).toBe('webhook_payload_invalid');
    const live = { ...fakeEvent(), livemode: true };
    const res = await deliver(t, live);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('livemode_mismatch');
  });

  it('stores the event and its job in one transaction; duplicates are acknowledged without a second job', async () => {
    const event = fakeEvent();
    const id = String(event.id);
    const first = await deliver(t, event);
    expect(first.json()).toEqual({ received: true, duplicate: false });
    const again = await Promise.all([deliver(t, event), deliver(t, event), deliver(t, event)]);
    for (const r of again) expect(r.json()).toEqual({ received: true, duplicate: true });
    expect(await jobsFor(id)).toBe(1);
    const row = await eventRow(id);
    expect(row).toMatchObject({ id, type: event.type, status: 'pending', attempts: 0, source: 'platform' });
    expect((row!.payload as { id: string }).id).toBe(id);
  });

  it('concurrent distinct deliveries are each stored with their own job (group commit)', async () => {
    const events = Array.from({ length: 40 }, () => fakeEvent());
    const res = await Promise.all(events.map((e) => deliver(t, e)));
    expect(res.map((r) => r.statusCode)).toEqual(events.map(() => 200));
    for (const e of events) expect(await jobsFor(String(e.id))).toBe(1);
  });

  it("routes connected accounts' events to the owning tenant; unknown accounts are stored and flagged", async () => {
    const tenant = await createTestTenant(t);
    const acct = `acct_${tenant.id.slice(0, 8)}test`;
    await ownerSql(t.database, `update tenants set stripe_account_id = '${acct}' where id = '${tenant.id}'`);
    const known = fakeEvent({ account: acct });
    const unknown = fakeEvent({ account: 'acct_nobodyknows' });
    expect((await deliver(t, known, { path: '/webhooks/stripe/connect' })).statusCode).toBe(200);
    expect((await deliver(t, unknown, { path: '/webhooks/stripe/connect' })).statusCode).toBe(200);
    expect(await eventRow(String(known.id))).toMatchObject({
      tenant_id: tenant.id,
      account: acct,
      unknown_account: false,
      source: 'connect',
    });
    expect(await eventRow(String(unknown.id))).toMatchObject({ tenant_id: null, unknown_account: true });

    // the account is linked later: a replay routes the stored event to its tenant
    const later = await createTestTenant(t);
    await ownerSql(
      t.database,
      `update tenants set stripe_account_id = 'acct_nobodyknows' where id = '${later.id}'`,
    );
    const replay = await t.app.inject({
      method: 'POST',
      url: `/v1/events/${unknown.id}/replay`,
      headers: { authorization: `Bearer ${t.platformKey}` },
    });
    expect(replay.statusCode, replay.body).toBe(200);
    expect(replay.json()).toMatchObject({ unknown_account: false, status: 'pending' });
    expect(await eventRow(String(unknown.id))).toMatchObject({ tenant_id: later.id, unknown_account: false });
  });

  it('answers 503 and acknowledges nothing when the event cannot be stored', async () => {
    await ownerSql(t.database, 'revoke insert on stripe_events from tributary_system');
    const event = fakeEvent();
    try {
      const res = await deliver(t, event);
      expect(res.statusCode).toBe(503);
      expect(res.json().error.code).toBe('service_unavailable');
    } finally {
      await ownerSql(t.database, 'grant insert on stripe_events to tributary_system');
    }
    expect(await eventRow(String(event.id))).toBeUndefined();
    expect(await jobsFor(String(event.id))).toBe(0);
    // Stripe's retry after recovery is stored
    expect((await deliver(t, event)).json()).toEqual({ received: true, duplicate: false });
  });
});
