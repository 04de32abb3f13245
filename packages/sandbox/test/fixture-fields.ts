// Compares an object the sandbox returned with Stripe's example object for its resource
// (shared/stripe/fixtures3.json): every field Stripe has, recursively, with the same value type; no placeholder
// values leak. Expanded references are checked against their own resource's example.
import { readFileSync } from 'node:fs';

export type Json = Record<string, unknown>;

export const fixtures = (
  JSON.parse(readFileSync(new URL('../../../../shared/stripe/fixtures3.json', import.meta.url), 'utf8')) as {
    resources: Record<string, Json>;
  }
).resources;

/** Fields Stripe only includes when expanded (API ≥ 2022-11-15). */
const EXPANDABLE_ONLY = new Set(['charge.refunds']);
/** Polymorphic payloads compared elsewhere. */
const SKIP = new Set(['event.data.object', 'event.data.previous_attributes']);
const FREE_FORM = new Set(['metadata']);
const PLACEHOLDERS = ['obj_123', 'sangeekp', 'dev.stripe.me', '1234567890'];

const kind = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

/** An expanded object standing where Stripe's example has its id: the resource it is, if there is an example. */
function expandedResource(fixtureValue: unknown, ours: unknown): string | null {
  if (kind(fixtureValue) !== 'string' || kind(ours) !== 'object') return null;
  const type = (ours as Json).object;
  return typeof type === 'string' && type in fixtures && typeof (ours as Json).id === 'string' ? type : null;
}

function compare(
  resource: string,
  fx: Json,
  ours: Json,
  path: string,
  errors: string[],
  expanded: Set<string>,
): void {
  for (const key of Object.keys(fx)) {
    const p = path ? `${path}.${key}` : key;
    const full = `${resource}.${p}`;
    if (SKIP.has(full)) continue;
    if (EXPANDABLE_ONLY.has(full)) {
      if (!expanded.has(p) && key in ours) errors.push(`${full} present without expand`);
      if (!expanded.has(p)) continue;
    }
    if (!(key in ours)) {
      errors.push(`${full} missing`);
      continue;
    }
    const f = fx[key];
    const o = ours[key];
    if (f === null || o === null) continue;
    const tf = kind(f);
    const to = kind(o);
    if (tf === 'object' && to === 'string' && 'id' in (f as Json)) continue; // expandable reference
    const ref = expandedResource(f, o);
    if (ref) {
      errors.push(...conforms(ref, o).map((e) => `${full}→${e}`));
      continue;
    }
    if (tf !== to) {
      errors.push(`${full}: ${to}, Stripe has ${tf}`);
      continue;
    }
    if (FREE_FORM.has(key)) continue;
    if (tf === 'object') compare(resource, f as Json, o as Json, p, errors, expanded);
    if (tf === 'array') {
      const fa = f as unknown[];
      const oa = o as unknown[];
      const items = expandedResource(fa[0], oa[0]);
      if (items) {
        errors.push(...conforms(items, oa[0]).map((e) => `${full}[]→${e}`));
      } else if (fa.length && oa.length && kind(fa[0]) === 'object' && kind(oa[0]) === 'object') {
        compare(resource, fa[0] as Json, oa[0] as Json, `${p}[]`, errors, expanded);
      } else if (fa.length && oa.length && kind(fa[0]) !== kind(oa[0])) {
        errors.push(`${full}[]: ${kind(oa[0])}, Stripe has ${kind(fa[0])}`);
      }
    }
  }
}

/** What `obj` lacks of `example` (named `name` in the messages), `expanded` naming the fields asked for. */
export function conformsTo(name: string, example: Json, obj: unknown, expanded: string[] = []): string[] {
  const ours = JSON.parse(JSON.stringify(obj)) as Json;
  delete ours.lastResponse;
  const errors: string[] = [];
  compare(name, example, ours, '', errors, new Set(expanded));
  const text = JSON.stringify(ours);
  for (const placeholder of PLACEHOLDERS) {
    if (text.includes(placeholder)) errors.push(`${name}: placeholder value ${placeholder}`);
  }
  return errors;
}

/** What `obj` lacks of Stripe's example object for `resource`. */
export function conforms(resource: string, obj: unknown, expanded: string[] = []): string[] {
  const fx = fixtures[resource];
  return fx ? conformsTo(resource, fx, obj, expanded) : [`no fixture for ${resource}`];
}
