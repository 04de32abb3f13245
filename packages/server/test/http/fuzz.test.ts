import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recoveryToken } from '../../src/billing/recovery/token.ts';
import {
  asSession,
  bearer,
  createTestTenant,
  sessionFor,
  startTestApp,
  type TestApp,
  type TestSession,
  type TestTenant,
} from '../helpers/app.ts';
import { leakPattern } from '../helpers/faults.ts';
import { fillPayments, type PaymentFixtures, paymentFixtures } from '../helpers/payments.ts';
import { allRouteCases, type RouteCase } from '../helpers/routes.ts';
import { endpointAndEvent, systemRows } from '../helpers/webhooks.ts';

/** Random cases per route on top of the fixed ones; `npm run test:long` sets 500. */
const RUNS = Number(process.env.TRIBUTARY_PROPERTY_RUNS ?? 3);
const SEED = Number(process.env.TRIBUTARY_FUZZ_SEED ?? Date.now() % 2_147_483_647);

/** The part of JSON Schema that @fastify/swagger emits for our zod schemas. */
interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  maxLength?: number;
  nullable?: boolean;
  anyOf?: JsonSchema[];
}

interface FuzzRoute {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  access: RouteCase['access'];
  /** the route table's valid body: each case changes one thing in it */
  base: Record<string, unknown>;
  body: JsonSchema | null;
  query: { name: string; schema: JsonSchema }[];
}

/** One request to send: a JSON body as text (so it can hold what JSON.stringify cannot build) and a query. */
interface Case {
  what: string;
  body?: string;
  query?: string;
}

/** A case that fast-check reports by what it is and the start of its body, not 300 KB of it. */
function caseOf(what: string, request: { body?: string; query?: string }): Case {
  const c: Case = { what, ...request };
  const shown = `${what}: ${(request.body ?? request.query ?? '').slice(0, 200)}`;
  Object.defineProperty(c, fc.toStringMethod, { value: () => shown });
  return c;
}

type Path = (string | number)[];
/** A value to put somewhere in the body: a JS value, raw JSON text, or nothing (the field removed). */
type Put = { value: unknown } | { raw: string } | { remove: true };

interface Target {
  path: Path;
  schema: JsonSchema;
  required: boolean;
}

const typeOf = (s: JsonSchema): string => {
  const t = Array.isArray(s.type) ? s.type.find((x) => x !== 'null') : s.type;
  return t ?? (s.enum ? typeof s.enum[0] : (s.anyOf?.[0] && typeOf(s.anyOf[0])) || 'unknown');
};

/** Every field of the schema, and the fields of the base body's nested objects and first array items. */
function targetsOf(schema: JsonSchema, base: unknown, path: Path = [], depth = 0): Target[] {
  const out: Target[] = [];
  for (const [key, sub] of Object.entries(schema.properties ?? {})) {
    const at = [...path, key];
    out.push({ path: at, schema: sub, required: (schema.required ?? []).includes(key) });
    const value = (base as Record<string, unknown> | undefined)?.[key];
    if (depth >= 3 || !value || typeof value !== 'object') continue;
    if (Array.isArray(value) && sub.items && value.length > 0)
      out.push(...targetsOf(sub.items, value[0], [...at, 0], depth + 1));
    else if (!Array.isArray(value) && sub.properties) out.push(...targetsOf(sub, value, at, depth + 1));
  }
  return out;
}

/** The objects of the base body an unknown key can be added to (the root and nested objects). */
function objectPaths(base: unknown, path: Path = []): Path[] {
  if (!base || typeof base !== 'object') return [];
  if (Array.isArray(base)) return base.length > 0 ? objectPaths(base[0], [...path, 0]) : [];
  return [path, ...Object.entries(base).flatMap(([k, v]) => objectPaths(v, [...path, k]))];
}

/** The base body with `put` at `path`, as JSON text; raw text goes in verbatim. */
function bodyWith(base: Record<string, unknown>, path: Path, put: Put): string {
  const copy = structuredClone(base) as Record<string | number, unknown>;
  let parent: Record<string | number, unknown> = copy;
  for (const key of path.slice(0, -1)) {
    parent[key] ??= {};
    parent = parent[key] as Record<string | number, unknown>;
  }
  const last = path[path.length - 1]!;
  const marker = `__fuzz_${randomBytes(6).toString('hex')}__`;
  if ('remove' in put) delete parent[last];
  else parent[last] = 'raw' in put ? marker : put.value;
  const text = JSON.stringify(copy);
  return 'raw' in put ? text.replace(JSON.stringify(marker), put.raw) : text;
}

const nested = (depth: number, open = '[', close = ']') => `${open.repeat(depth)}1${close.repeat(depth)}`;

const nulString = fc
  .tuple(fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 }))
  .map(([a, b]) => `${a}\u0000${b}`);
const surrogateString = fc
  .tuple(
    fc.string({ maxLength: 8 }),
    fc.constantFrom('\ud800', '\udbff', '\udc00', '\udfff'),
    fc.string({ maxLength: 8 }),
  )
  .map(([a, s, b]) => `${a}${s}${b}`);
const hugeString = fc.integer({ min: 1_001, max: 300_000 }).map((n) => 'x'.repeat(n));
const deepText = fc
  .constantFrom(33, 200, 5_000, 20_000)
  .chain((d) => fc.constantFrom(nested(d), nested(d, '{"a":', '}')));
const overflowNumber = fc.constantFrom(
  '1e400',
  '-1e400',
  '1e-400',
  '9007199254740993',
  '18446744073709551616',
  '-9223372036854775809',
  '123456789012345678901234567890',
  '0.5',
  '-0',
);

/**
 * Numbers JSON and a JS number hold exactly, too large for what a field may mean: as unix seconds they are
 * past year 9999, which a Date and Postgres cannot format (five routes once answered 500).
 */
const hugeIntegers = [
  1e12,
  253_402_300_800,
  8_640_000_000_001,
  Number.MAX_SAFE_INTEGER,
  -Number.MAX_SAFE_INTEGER,
];
const hugeInteger = fc.constantFrom(...hugeIntegers);

/** Values of every JSON type but the field's own. */
function wrongTypes(schema: JsonSchema): unknown[] {
  const t = typeOf(schema);
  const all: [string, unknown][] = [
    ['string', 'not-the-right-type'],
    ['number', 42.5],
    ['integer', 7],
    ['boolean', true],
    ['object', { nested: 'object' }],
    ['array', ['an', 'array']],
  ];
  const wrong = all.filter(([k]) => k !== t && !(t === 'number' && k === 'integer')).map(([, v]) => v);
  return schema.nullable ? wrong : [...wrong, null];
}

/** What one case puts at one field. */
function putsFor(target: Target): fc.Arbitrary<[string, Put]> {
  const options: fc.Arbitrary<[string, Put]>[] = [
    fc.constantFrom(...wrongTypes(target.schema)).map((value) => ['wrong type', { value }]),
    nulString.map((value) => ['NUL in a string', { value }]),
    surrogateString.map((value) => ['lone surrogate', { value }]),
    hugeString.map((value) => ['huge string', { value }]),
    deepText.map((raw) => ['deep nesting', { raw }]),
    overflowNumber.map((raw) => ['overflowing number', { raw }]),
    hugeInteger.map((value) => ['huge in-range number', { value }]),
    fc.jsonValue({ maxDepth: 3 }).map((value) => ['any JSON value', { value }]),
    fc.string({ unit: 'binary', maxLength: 40 }).map((value) => ['any string', { value }]),
  ];
  if (target.required) options.push(fc.constant(['missing required field', { remove: true }]));
  return fc.oneof(...options);
}

function bodyCases(route: FuzzRoute): fc.Arbitrary<Case> {
  const targets = targetsOf(route.body!, route.base);
  const objects = objectPaths(route.base);
  const atField = fc
    .constantFrom(...(targets.length > 0 ? targets : [{ path: ['x'], schema: {}, required: false }]))
    .chain((target) =>
      putsFor(target).map(([what, put]) =>
        caseOf(`${what} at ${target.path.join('.')}`, { body: bodyWith(route.base, target.path, put) }),
      ),
    );
  const unknownKey = fc
    .tuple(
      fc.constantFrom(...(objects.length > 0 ? objects : [[]])),
      fc.string({ minLength: 1, maxLength: 30 }),
    )
    .map(([at, key]) =>
      caseOf(`unknown key ${JSON.stringify(key)} at ${at.join('.') || 'root'}`, {
        body: bodyWith(route.base, [...at, key], { value: 1 }),
      }),
    );
  const wholeBody = fc
    .oneof(
      fc.constantFrom('[]', '"text"', '12', 'null', 'true', '{}', '{"a":1,"a":2}', '{"__proto__":{"x":1}}'),
      deepText,
    )
    .map((body) => caseOf('whole body', { body }));
  return fc.oneof(
    { arbitrary: atField, weight: 6 },
    { arbitrary: unknownKey, weight: 2 },
    { arbitrary: wholeBody, weight: 1 },
  );
}

/** Percent-encodes every byte of the UTF-8 text (a lone surrogate becomes U+FFFD, as a browser sends it). */
const encode = (s: string) =>
  [...Buffer.from(s, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');

const queryValue = fc.oneof(
  fc.constantFrom('abc', '', '-1', '0', '1.5', '1e400', '99999999999999999999999', 'true', 'null', '[]'),
  fc.constantFrom(...hugeIntegers.map(String)),
  // raw, pre-encoded: NUL, an encoded lone surrogate, bytes that are not UTF-8, broken escapes
  fc.constantFrom('%00', 'a%00b', '%ED%A0%80', '%FF%FE', '%', '%zz', '%C0%80').map((raw) => ({ raw })),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.integer({ min: 201, max: 8_000 }).map((n) => 'x'.repeat(n)),
);
const queryPart = (name: string, v: string | { raw: string }) =>
  `${encodeURIComponent(name)}=${typeof v === 'string' ? encode(v) : v.raw}`;

function queryCases(route: FuzzRoute): fc.Arbitrary<Case> {
  const names = route.query.map((q) => q.name);
  const one = fc.tuple(fc.constantFrom(...names), queryValue).map(([name, v]) => ({
    what: `query ${name}=${typeof v === 'string' ? v.slice(0, 30) : v.raw}`,
    query: queryPart(name, v),
  }));
  const repeated = fc.tuple(fc.constantFrom(...names), queryValue, queryValue).map(([name, a, b]) => ({
    what: `query ${name} repeated`,
    query: `${queryPart(name, a)}&${queryPart(name, b)}`,
  }));
  const unknown = fc.tuple(fc.string({ minLength: 1, maxLength: 20 }), queryValue).map(([name, v]) => ({
    what: `unknown query key ${JSON.stringify(name)}`,
    query: queryPart(name, v),
  }));
  const bracket = fc
    .constantFrom(...names)
    .map((name) => ({ what: `query ${name}[x]`, query: `${name}[x]=1` }));
  return fc.oneof(one, repeated, unknown, bracket);
}

/** The fixed cases every route gets, whatever the seed: one of each kind of bad input. */
function fixedCases(route: FuzzRoute): Case[] {
  const out: Case[] = [];
  if (route.body) {
    const targets = targetsOf(route.body, route.base);
    const first = targets[0]?.path ?? ['x'];
    const firstString = targets.find((t) => typeOf(t.schema) === 'string')?.path ?? first;
    const firstNumber = targets.find((t) => ['integer', 'number'].includes(typeOf(t.schema)))?.path ?? first;
    const required = targets.find((t) => t.required && t.path.length === 1);
    out.push(
      { what: 'NUL', body: bodyWith(route.base, firstString, { value: 'a\u0000b' }) },
      { what: 'lone surrogate', body: bodyWith(route.base, firstString, { value: 'a\ud800b' }) },
      { what: 'huge string', body: bodyWith(route.base, firstString, { value: 'x'.repeat(100_000) }) },
      { what: 'deep nesting', body: bodyWith(route.base, first, { raw: nested(5_000) }) },
      { what: 'overflowing number', body: bodyWith(route.base, firstNumber, { raw: '1e400' }) },
      { what: 'wrong type', body: bodyWith(route.base, first, { value: { nested: true } }) },
      { what: 'unknown key', body: bodyWith(route.base, ['surprise'], { value: 1 }) },
      { what: 'deep body', body: nested(20_000, '{"a":', '}') },
    );
    if (required)
      out.push({ what: 'missing field', body: bodyWith(route.base, required.path, { remove: true }) });
    // at every numeric field, not the first only: a timestamp is rarely a body's first number
    for (const target of targets.filter((t) => ['integer', 'number'].includes(typeOf(t.schema))))
      for (const value of [hugeIntegers[0], Number.MAX_SAFE_INTEGER])
        out.push({
          what: `huge in-range number ${value} at ${target.path.join('.')}`,
          body: bodyWith(route.base, target.path, { value }),
        });
  }
  if (route.query.length > 0) {
    const name = route.query[0]!.name;
    out.push(
      { what: 'query NUL', query: `${name}=a%00b` },
      { what: 'query huge', query: `${name}=${'x'.repeat(5_000)}` },
      { what: 'query overflow', query: `${name}=1e400` },
      { what: 'query repeated', query: `${name}=1&${name}=2` },
      { what: 'query unknown key', query: 'surprise=1' },
    );
    // every query parameter, with numbers past year 9999 as unix seconds
    for (const q of route.query)
      for (const value of [hugeIntegers[0], Number.MAX_SAFE_INTEGER])
        out.push({ what: `query ${q.name}=${value}`, query: `${encodeURIComponent(q.name)}=${value}` });
  }
  return out;
}

/**
 * Hidden from /openapi.json (Stripe's redirects back to us, an e-mailed link), but they take a query all
 * the same. Their schemas: connect/routes.ts tokenQuery and callbackQuery, card-update-routes.ts tokenQuery.
 */
const hiddenQueryRoutes: FuzzRoute[] = [
  {
    method: 'GET',
    path: '/connect/onboarding/return',
    access: 'public',
    base: {},
    body: null,
    query: [{ name: 't', schema: { type: 'string' } }],
  },
  {
    method: 'GET',
    path: '/connect/onboarding/refresh',
    access: 'public',
    base: {},
    body: null,
    query: [{ name: 't', schema: { type: 'string' } }],
  },
  {
    method: 'GET',
    path: '/connect/oauth/callback',
    access: 'public',
    base: {},
    body: null,
    query: ['code', 'state', 'scope', 'error', 'error_description'].map((name) => ({
      name,
      schema: { type: 'string' },
    })),
  },
  // the card update link of customer e-mails (payments/customers/card-update-routes.ts tokenQuery)
  {
    method: 'GET',
    path: '/billing/update_card',
    access: 'public',
    base: {},
    body: null,
    query: [{ name: 'token', schema: { type: 'string' } }],
  },
];

interface OpenApi {
  paths: Record<
    string,
    Record<
      string,
      {
        parameters?: { in: string; name: string; schema: JsonSchema }[];
        requestBody?: { content: { 'application/json'?: { schema: JsonSchema } } };
      }
    >
  >;
}

/** Every route of the app's own OpenAPI document that takes a body or a query, with its route-table entry. */
function fuzzRoutes(doc: OpenApi): FuzzRoute[] {
  const out: FuzzRoute[] = [];
  for (const [openPath, ops] of Object.entries(doc.paths)) {
    const path = openPath.replace(/\{(\w+)\}/g, ':$1');
    for (const [m, op] of Object.entries(ops)) {
      const method = m.toUpperCase() as FuzzRoute['method'];
      const query = (op.parameters ?? [])
        .filter((p) => p.in === 'query')
        .map((p) => ({ name: p.name, schema: p.schema }));
      const body = op.requestBody?.content['application/json']?.schema ?? null;
      if (!body && query.length === 0) continue;
      const known = allRouteCases.find((r) => r.method === method && r.path === path);
      if (!known) throw new Error(`${method} ${path} is in /openapi.json but not in test/helpers/routes.ts`);
      out.push({ method, path, access: known.access, base: known.body ?? {}, body, query });
    }
  }
  return [...out, ...hiddenQueryRoutes];
}

/**
 * The fuzz suite: generated from the app's own /openapi.json with fast-check. Every route with a
 * body or a query gets wrong types, missing fields, huge, NUL-bearing and unpaired-surrogate strings, deep
 * nesting, overflowing numbers and unknown keys — a fixed case of each kind, then TRIBUTARY_PROPERTY_RUNS random
 * ones — and must answer each without a 5xx, with no SQL or driver text, and without writing a row when it
 * refuses the request.
 */
// the route list declares the tests, so it is read before them, from an app without a sandbox
const probe = await startTestApp({ sandbox: false });
const routes = fuzzRoutes(
  (await probe.app.inject({ method: 'GET', url: '/openapi.json' })).json() as OpenApi,
);
await probe.close();

describe(`fuzz: every route from /openapi.json (${RUNS} random cases per route, seed ${SEED})`, () => {
  let t: TestApp;
  let tenant: TestTenant;
  let member: TestSession;
  let fixtures: PaymentFixtures;
  let endpointId: string;
  let eventId: string;
  let tables: string[] = [];

  /** Rows and the newest row version of every public table: any insert, update or delete changes it. */
  const signature = async () => {
    const rows = await systemRows<{ t: string; s: string }>(
      t.database,
      tables
        .map(
          (name) =>
            // api_keys: authenticating touches last_used_at (once a minute), which is not the request's write
            `select '${name}' as t, count(*)::text || ':' || ${name === 'api_keys' ? "''" : 'coalesce(max(xmin::text::bigint), 0)::text'} as s from "${name}"`,
        )
        .join(' union all '),
    );
    return new Map(rows.map((r) => [r.t, r.s]));
  };

  const url = (r: FuzzRoute) =>
    fillPayments(r.path, fixtures)
      .replace(':id', tenant.publicId)
      .replace(':user_id', member.userId)
      .replace(':key_id', 'key_00000000000000000000000000000000')
      .replace(':endpoint_id', endpointId)
      .replace(':event_id', eventId);
  const headers = (r: FuzzRoute): Record<string, string> => {
    if (r.access === 'public') return {};
    if (r.access === 'session') return asSession(member);
    if (r.access === 'recovery_token') return bearer(recoveryToken(t.config, tenant.id));
    // the platform secret key holds every scope on every tenant: each request reaches validation
    return bearer(t.platformKey);
  };

  beforeAll(async () => {
    t = await startTestApp();
    tenant = await createTestTenant(t, 'Fuzzed tenant');
    member = await sessionFor(
      t,
      tenant,
      `fuzz-member-${randomBytes(3).toString('hex')}@example.com`,
      'member',
    );
    fixtures = await paymentFixtures(t, tenant);
    ({ endpointId, eventId } = await endpointAndEvent(t, 'https://app.example.com/fuzz-hooks'));
    tables = (
      await systemRows<{ name: string }>(
        t.database,
        `select table_name as name from information_schema.tables
         where table_schema = 'public' and table_type = 'BASE TABLE'
           -- records each answered POST with its key, refusals included, by design (Stripe's too)
           and table_name <> 'idempotency_keys'
         order by 1`,
      )
    ).map((r) => r.name);
  });
  afterAll(() => t.close());

  it('covers the routes', () => {
    expect(routes.filter((r) => r.body).length).toBeGreaterThan(20);
    expect(routes.filter((r) => r.query.length > 0).length).toBeGreaterThan(15);
  });

  for (const route of routes) {
    it(`${route.method} ${route.path}`, async () => {
      let before = await signature();
      const check = async (c: Case) => {
        const res = await t.app.inject({
          method: route.method,
          url: `${url(route)}${c.query ? `?${c.query}` : ''}`,
          headers: {
            ...headers(route),
            ...(c.body !== undefined ? { 'content-type': 'application/json' } : {}),
            ...(route.method === 'POST'
              ? { 'idempotency-key': `fuzz-${randomBytes(8).toString('hex')}` }
              : {}),
          },
          ...(c.body !== undefined ? { payload: c.body } : {}),
        });
        const where = `${route.method} ${route.path} — ${c.what}: ${res.statusCode} ${res.body.slice(0, 300)}`;
        expect(res.statusCode, where).toBeLessThan(500);
        const after = await signature();
        if (res.statusCode >= 400) {
          expect(res.body, where).not.toMatch(leakPattern);
          // the API answers in the error shape; a browser redirect's error page is HTML
          if (String(res.headers['content-type']).startsWith('application/json'))
            expect(typeof res.json().error?.code, where).toBe('string');
          const written = [...after].filter(([name, s]) => before.get(name) !== s).map(([name]) => name);
          expect(written, `${where} — refused, yet wrote to`).toEqual([]);
        }
        before = after;
      };
      for (const c of fixedCases(route)) await check(c);
      const cases = route.body ? bodyCases(route) : queryCases(route);
      const mixed = route.body && route.query.length > 0 ? fc.oneof(cases, queryCases(route)) : cases;
      await fc.assert(fc.asyncProperty(mixed, check), { numRuns: RUNS, seed: SEED, endOnFailure: true });
    });
  }
});
