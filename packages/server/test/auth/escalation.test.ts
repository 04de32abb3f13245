import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type IdKind, toPublicId } from '../../src/http/ids.ts';
import { allScopes, scopesForRole } from '../../src/scope/scopes.ts';
import { openLink, operatorSession } from '../helpers/access.ts';
import {
  asSession,
  bearer,
  createTestTenant,
  sessionFor,
  startTestApp,
  type TestApp,
  type TestTenant,
} from '../helpers/app.ts';
import { connectTenant } from '../helpers/payments.ts';
import { type RouteCase, tenantRoutes } from '../helpers/routes.ts';

/**
 * No credential grants more than it holds. Every kind of caller asks every route that creates
 * credentials, links or roles for everything it can name (links naming a new e-mail, an existing owner, the
 * operator and another tenant's user; role changes; tenant and platform keys), then each link or key produced
 * is *used*, and what it can do is measured the same way as its caller: every probe it passes, the caller
 * must pass too.
 */

const readScopes = allScopes.filter((s) => s.endsWith(':read'));
const scopeSets: Record<string, string[]> = {
  'members:write': ['members:write'],
  'api_keys:write': ['api_keys:write'],
  'every read': readScopes,
  // every scope an admin holds: connect:write among them, not the owner's connect:manage
  "every admin's scope": [...scopesForRole('admin')],
  'every scope': allScopes,
};

type Headers = Record<string, string>;
type Reply = Awaited<ReturnType<TestApp['app']['inject']>>;

interface Probe {
  name: string;
  method: 'GET' | 'POST' | 'DELETE';
  url: string;
  body?: object;
  /** a reach probe passes on any answer but 404 and 401: a 403 still says the tenant exists for it */
  reach?: true;
  /** undo what the probe made, when it made something (a key) */
  cleanup?: (res: Reply) => Promise<void>;
  /** run alone, after the others (it changes what they probe: disconnecting the account) */
  serial?: true;
}

/** Passed: the caller was let through (not 401, not 403, and not the 404 of a tenant it cannot see). */
function passed(res: Reply, probe: Probe): boolean {
  if (probe.reach) return res.statusCode !== 401 && res.statusCode !== 404;
  if (res.statusCode === 401 || res.statusCode === 403) return false;
  if (res.statusCode === 404 && /No such tenant/.test(res.json().error?.message ?? '')) return false;
  return true;
}

const placeholderKinds: Record<string, IdKind> = {
  user_id: 'user',
  key_id: 'apiKey',
  customer_id: 'customer',
  payment_method_id: 'paymentMethod',
  payment_id: 'payment',
  dispute_id: 'dispute',
  notification_id: 'notification',
  invoice_id: 'invoice',
  subscription_id: 'subscription',
  plan_id: 'plan',
  alert_id: 'usageAlert',
};
const missingId = (kind: IdKind) => toPublicId(kind, randomUUID());

/** A request that needs `scope` and changes nothing: a read, or a write aimed at an object that does not exist. */
function scopeProbe(route: RouteCase, tenantId: string): Probe | null {
  let url = route.path.replace(':id', tenantId);
  for (const [name, kind] of Object.entries(placeholderKinds)) url = url.replace(`:${name}`, missingId(kind));
  if (url.includes(':')) return null;
  const write = String(route.access).endsWith(':write');
  if (write && url === route.path.replace(':id', tenantId) && route.method !== 'GET') return null;
  return {
    name: String(route.access),
    method: route.method,
    url,
    ...(route.body ? { body: route.body } : {}),
  };
}

describe('privilege escalation: every credential, every grant, used', () => {
  let t: TestApp;
  let operatorEmail: string;
  const tenants: Record<'A' | 'B' | 'C', TestTenant> = {} as never;
  const owners: Record<'A' | 'B', string> = {} as never;
  const callers: Record<string, Headers> = {};
  let counter = 0;

  beforeAll(async () => {
    t = await startTestApp();
    const operator = await operatorSession(t);
    operatorEmail = operator.email;
    for (const name of ['A', 'B', 'C'] as const)
      tenants[name] = await createTestTenant(t, `Escalation ${name}`);
    // connected: replacing or disconnecting the account, and editing its payouts, are probed
    for (const name of ['A', 'B'] as const) await connectTenant(t, tenants[name]);
    const aOwner = await sessionFor(t, tenants.A, 'esc-a-owner@example.com', 'owner');
    owners.A = aOwner.userId;
    owners.B = (await sessionFor(t, tenants.B, 'esc-b-owner@example.com', 'owner')).userId;
    await sessionFor(t, tenants.B, 'esc-b-admin@example.com', 'admin');

    callers['operator session'] = asSession(operator);
    callers['platform secret key'] = bearer(t.platformKey);
    for (const [label, scopes] of Object.entries(scopeSets)) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/v1/api_keys',
        headers: bearer(t.platformKey),
        payload: { name: `platform ${label}`, type: 'restricted', scopes },
      });
      callers[`platform restricted key (${label})`] = bearer(res.json().secret);
    }
    callers['tenant secret key'] = bearer(tenants.A.key);
    for (const [label, scopes] of Object.entries(scopeSets)) {
      const res = await t.app.inject({
        method: 'POST',
        url: `/v1/tenants/${tenants.A.publicId}/api_keys`,
        headers: bearer(tenants.A.key),
        payload: { name: `tenant ${label}`, type: 'restricted', scopes },
      });
      callers[`tenant restricted key (${label})`] = bearer(res.json().secret);
    }
    callers['owner session'] = asSession(aOwner);
    callers['admin session'] = asSession(await sessionFor(t, tenants.A, 'esc-a-admin@example.com', 'admin'));
    callers['member session'] = asSession(
      await sessionFor(t, tenants.A, 'esc-a-member@example.com', 'member'),
    );
  }, 300_000);
  afterAll(() => t?.close());

  const call = (headers: Headers, p: { method: Probe['method']; url: string; body?: object }) =>
    t.app.inject({ method: p.method, url: p.url, headers, ...(p.body ? { payload: p.body } : {}) });

  const revokeKey = (path: string) => async (res: Reply) => {
    if (res.statusCode === 200)
      await call(bearer(t.platformKey), { method: 'DELETE', url: `${path}/${res.json().id}` });
  };

  function tenantProbes(label: 'A' | 'B'): Probe[] {
    const tenant = tenants[label];
    const base = `/v1/tenants/${tenant.publicId}`;
    const probes: Probe[] = [{ name: 'reachable', method: 'GET', url: base, reach: true }];
    const seen = new Set<string>();
    for (const route of tenantRoutes) {
      if (!String(route.access).includes(':') || seen.has(String(route.access))) continue;
      const probe = scopeProbe(route, tenant.publicId);
      if (!probe) continue;
      seen.add(probe.name);
      probes.push(probe);
    }
    // tenants:write with no change; the powers only an owner, or a secret key, has
    probes.push({ name: 'tenants:write', method: 'POST', url: base, body: { name: `Escalation ${label}` } });
    probes.push({
      name: 'owner: manage owners',
      method: 'POST',
      url: `${base}/members/${owners[label]}`,
      body: { role: 'owner' },
    });
    probes.push({
      name: 'mint a secret key',
      method: 'POST',
      url: `${base}/api_keys`,
      body: { name: 'probe', type: 'secret' },
      cleanup: revokeKey(`${base}/api_keys`),
    });
    for (const role of ['member', 'admin', 'owner'])
      probes.push({
        name: `link for a ${role}`,
        method: 'POST',
        url: `${base}/dashboard_links`,
        body: { email: 'probe@example.com', role },
      });
    // where the money goes (connect:manage): link another Stripe account in place of the connected one,
    // edit its payout details (the Express dashboard), disconnect it
    probes.push({
      name: 'owner: replace the Stripe account (OAuth)',
      method: 'GET',
      url: `${base}/connect/oauth/authorize_url`,
    });
    probes.push({ name: 'owner: Express dashboard', method: 'POST', url: `${base}/connect/login_link` });
    probes.push({
      name: 'owner: disconnect the Stripe account',
      method: 'POST',
      url: `${base}/connect/disconnect`,
      serial: true,
      // connected again (a new account) for the next probes
      cleanup: async (res) => {
        if (res.statusCode !== 200) return;
        const again = await call(bearer(t.platformKey), {
          method: 'POST',
          url: `${base}/connect/account`,
          body: {},
        });
        expect(again.statusCode, again.body).toBe(200);
      },
    });
    return probes.map((p) => ({ ...p, name: `${label} ${p.name}` }));
  }

  function globalProbes(): Probe[] {
    return [
      { name: 'C reachable', method: 'GET', url: `/v1/tenants/${tenants.C.publicId}`, reach: true },
      { name: 'platform keys listed', method: 'GET', url: '/v1/api_keys' },
      { name: 'platform audit log', method: 'GET', url: '/v1/audit_log' },
      ...(['secret', 'restricted'] as const).map((type) => ({
        name: `mint a platform ${type} key`,
        method: 'POST' as const,
        url: '/v1/api_keys',
        body: { name: 'probe', type, ...(type === 'restricted' ? { scopes: ['tenants:read'] } : {}) },
        cleanup: revokeKey('/v1/api_keys'),
      })),
    ];
  }

  async function runProbes(headers: Headers, probes: Probe[], powers: Set<string>): Promise<void> {
    const run = async (probe: Probe) => {
      const res = await call(headers, probe);
      expect(res.statusCode, `${probe.name}: ${res.body}`).toBeLessThan(500);
      if (passed(res, probe)) powers.add(probe.name);
      await probe.cleanup?.(res);
    };
    await Promise.all(probes.filter((p) => !p.serial).map(run));
    for (const probe of probes.filter((p) => p.serial)) await run(probe);
  }

  /**
   * What a credential can do, found by doing it: is_operator, which tenants it reaches, and in each tenant
   * it reaches the probes it passes. `only` limits the probes to those (the ones a caller lacks: a credential
   * it made can only exceed it there); reach and is_operator are always measured.
   */
  async function measure(headers: Headers, only?: ReadonlySet<string>): Promise<Set<string>> {
    const powers = new Set<string>();
    const wanted = (p: Probe) => !only || only.has(p.name);
    const used = headers.cookie
      ? await t.app.inject({ method: 'GET', url: '/v1/auth/session', headers: { cookie: headers.cookie } })
      : await t.app.inject({ method: 'GET', url: '/v1/api_key_scopes', headers });
    expect(used.statusCode, `the credential does not work: ${used.body}`).toBe(200);
    if (headers.cookie && used.json().user.is_operator) powers.add('is_operator');
    const [reachC, ...platform] = globalProbes();
    await runProbes(headers, [reachC!, ...platform.filter(wanted)], powers);
    for (const label of ['A', 'B'] as const) {
      const [reach, ...rest] = tenantProbes(label);
      await runProbes(headers, [reach!], powers);
      if (powers.has(reach!.name)) await runProbes(headers, rest.filter(wanted), powers);
    }
    return powers;
  }

  /**
   * A session for `email` at exactly its stored role in `tenant`: the platform's link names that role, so
   * opening it neither raises nor caps it.
   */
  async function storedRoleSession(tenant: TestTenant, email: string): Promise<Headers> {
    const members = await call(bearer(t.platformKey), {
      method: 'GET',
      url: `/v1/tenants/${tenant.publicId}/members`,
    });
    const role = members.json().data.find((m: { user: { email: string } }) => m.user.email === email).role;
    const res = await call(bearer(t.platformKey), {
      method: 'POST',
      url: `/v1/tenants/${tenant.publicId}/dashboard_links`,
      body: { email, role },
    });
    return asSession((await openLink(t, res.json().url))!);
  }

  const everyProbe = () => [...tenantProbes('A'), ...tenantProbes('B'), ...globalProbes()].map((p) => p.name);

  interface Grant {
    what: string;
    /**
     * Asks for the credential as `caller`; null when refused, else the headers that use what was granted
     * and, for a role change, the target's powers before it (only what the change added is granted).
     */
    run(caller: Headers, only: ReadonlySet<string>): Promise<{ used: Headers; before?: Set<string> } | null>;
  }

  function grants(): Grant[] {
    const out: Grant[] = [];
    for (const label of ['A', 'B'] as const) {
      const tenant = tenants[label];
      const base = `/v1/tenants/${tenant.publicId}`;
      const emails = {
        'a new e-mail': () => `esc-new-${++counter}@example.com`,
        "A's owner": () => 'esc-a-owner@example.com',
        'the operator': () => operatorEmail,
        "B's admin": () => 'esc-b-admin@example.com',
      };
      for (const role of ['member', 'admin', 'owner'] as const) {
        for (const [who, email] of Object.entries(emails)) {
          out.push({
            what: `${label}: ${role} link for ${who}`,
            run: async (caller) => {
              const res = await call(caller, {
                method: 'POST',
                url: `${base}/dashboard_links`,
                body: { email: email(), role },
              });
              if (res.statusCode !== 200) return null;
              const s = await openLink(t, res.json().url);
              // the operator's e-mail is answered like any other, with a link that signs nobody in
              if (who === 'the operator') {
                expect(s, 'a link signed the operator in').toBeNull();
                return null;
              }
              expect(s, 'a link that signs nobody in').not.toBeNull();
              return { used: asSession(s!) };
            },
          });
        }
        out.push({
          what: `${label}: a member raised to ${role}`,
          run: async (caller, only) => {
            const email = `esc-target-${++counter}@example.com`;
            const target = await sessionFor(t, tenant, email, 'member');
            const before = await measure(asSession(target), only);
            const res = await call(caller, {
              method: 'POST',
              url: `${base}/members/${target.userId}`,
              body: { role },
            });
            return res.statusCode === 200 ? { used: await storedRoleSession(tenant, email), before } : null;
          },
        });
      }
      const keyBodies: Record<string, object> = {
        secret: { type: 'secret' },
        ...Object.fromEntries(
          Object.entries(scopeSets).map(([l, scopes]) => [
            `restricted (${l})`,
            { type: 'restricted', scopes },
          ]),
        ),
      };
      for (const path of [`${base}/api_keys`, ...(label === 'A' ? ['/v1/api_keys'] : [])]) {
        for (const [kind, body] of Object.entries(keyBodies)) {
          out.push({
            what: `${path.startsWith('/v1/api_keys') ? 'platform' : label} ${kind} key`,
            run: async (caller) => {
              const res = await call(caller, {
                method: 'POST',
                url: path,
                body: { name: 'granted', ...body },
              });
              return res.statusCode === 200 ? { used: bearer(res.json().secret) } : null;
            },
          });
        }
      }
    }
    return out;
  }

  const callerNames = [
    'operator session',
    'platform secret key',
    ...Object.keys(scopeSets).map((l) => `platform restricted key (${l})`),
    'tenant secret key',
    ...Object.keys(scopeSets).map((l) => `tenant restricted key (${l})`),
    'owner session',
    'admin session',
    'member session',
  ];

  it('the probes tell powers apart: the platform passes all of them, a member only reads A', async () => {
    const platform = await measure(callers['platform secret key']!);
    const all = everyProbe();
    expect([...platform].sort()).toEqual(all.sort());
    const member = await measure(callers['member session']!);
    expect([...member].sort()).toEqual(
      ['A reachable', ...all.filter((n) => n.startsWith('A ') && n.endsWith(':read'))].sort(),
    );
    expect(all.filter((n) => n.startsWith('A ') && n.endsWith(':read')).length).toBeGreaterThanOrEqual(10);
  });

  for (const name of callerNames) {
    it(`${name}: nothing it creates can do more than it can`, { timeout: 300_000 }, async () => {
      const caller = callers[name]!;
      const held = await measure(caller);
      const lacking = new Set(everyProbe().filter((p) => !held.has(p)));
      let granted = 0;
      for (const grant of grants()) {
        const got = await grant.run(caller, lacking);
        if (!got) continue;
        granted++;
        const after = await measure(got.used, lacking);
        const beyond = [...after].filter((p) => !held.has(p) && !got.before?.has(p));
        expect(beyond, `${name} → ${grant.what} can also`).toEqual([]);
      }
      // not vacuous: whoever may make a member link made something that was then used
      if (held.has('A link for a member')) expect(granted).toBeGreaterThan(0);
    });
  }
});
