// Stripe list objects: newest first, `limit` 1–100 (default 10), `starting_after`/`ending_before` cursors,
// `created` filters; and search results with an opaque `page` token.
import { invalidRequest, paramError } from './errors.ts';
import type { listParams, Valid } from './schema.ts';

export interface ListObject<T = unknown> {
  object: 'list';
  data: T[];
  has_more: boolean;
  url: string;
}

/** What lists take: an id to page by, and `created` to filter on (where the object has it). */
export interface Listable {
  id: string;
  created?: unknown;
}

export type ListParams = Valid<typeof listParams>;

export interface SearchParams {
  query?: string | null;
  limit?: number | null;
  page?: string | null;
}

export function matchCreated(value: unknown, filter: ListParams['created']): boolean {
  if (filter === null || filter === undefined) return true;
  // Stripe's objects have a numeric `created` (a v2 object's is a date string, and never matches a filter).
  const created = typeof value === 'number' ? value : Number.NaN;
  if (typeof filter === 'number') return created === filter;
  const f = filter;
  if (f.gt != null && !(created > f.gt)) return false;
  if (f.gte != null && !(created >= f.gte)) return false;
  if (f.lt != null && !(created < f.lt)) return false;
  if (f.lte != null && !(created <= f.lte)) return false;
  return true;
}

export function limitOf(params: { limit?: number | null }): number {
  const limit = params.limit ?? 10;
  if (limit < 1 || limit > 100) {
    throw paramError(
      `This value must be ${limit < 1 ? 'greater than or equal to 1' : 'less than or equal to 100'}.`,
      'limit',
      'parameter_invalid_integer',
    );
  }
  return limit;
}

/** `items` oldest first (store order); `filter` narrows further. */
export function paginate<T extends Listable>(
  items: readonly T[],
  params: ListParams,
  url: string,
  filter?: (o: T) => boolean,
): ListObject<T> {
  const limit = limitOf(params);
  const after = params.starting_after;
  const before = params.ending_before;
  if (after && before) {
    throw invalidRequest('You may only specify one of these parameters: ending_before, starting_after.');
  }
  const keep = (o: T) => matchCreated(o.created, params.created) && (!filter || filter(o));
  const data: T[] = [];
  let hasMore = false;
  if (before) {
    // Walk forward (older → newer) from the cursor, then present newest first.
    const idx = items.findIndex((o) => o.id === before);
    if (idx < 0)
      throw invalidRequest(`No such object: '${before}'`, 'ending_before', 'resource_missing', 404);
    for (let i = idx + 1; i < items.length; i++) {
      const o = items[i]!;
      if (!keep(o)) continue;
      if (data.length === limit) {
        hasMore = true;
        break;
      }
      data.push(o);
    }
    data.reverse();
  } else {
    let start = items.length - 1;
    if (after) {
      const idx = items.findIndex((o) => o.id === after);
      if (idx < 0) {
        throw invalidRequest(`No such object: '${after}'`, 'starting_after', 'resource_missing', 404);
      }
      start = idx - 1;
    }
    for (let i = start; i >= 0; i--) {
      const o = items[i]!;
      if (!keep(o)) continue;
      if (data.length === limit) {
        hasMore = true;
        break;
      }
      data.push(o);
    }
  }
  return { object: 'list', data, has_more: hasMore, url };
}

/** A list filter: `o` has the value of each of `keys` the request sent (absent or empty: any value). */
export function matchesSent<T, K extends keyof T & string>(
  o: T,
  p: Partial<Record<K, unknown>>,
  keys: readonly K[],
): boolean {
  return keys.every((k) => !p[k] || o[k] === p[k]);
}

// --- search: `field:'value' AND metadata['k']:'v'`, `~` for substring, numeric comparisons ---

interface Clause {
  negate: boolean;
  field: string;
  metaKey: string | null;
  op: string;
  value: string;
}

function parseQuery(query: string): { clauses: Clause[]; or: boolean } {
  const parts = query.trim().split(/\s+(AND|OR)\s+/);
  const clauses: Clause[] = [];
  let or = false;
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    if (p === 'AND') continue;
    if (p === 'OR') {
      or = true;
      continue;
    }
    const m =
      /^(-)?([a-z_.]+)(?:\[['"]([^'"]+)['"]\])?\s*(:|~|>=|<=|>|<)\s*(?:'([^']*)'|"([^"]*)"|(\S+))$/.exec(p);
    if (!m) {
      throw invalidRequest(`Invalid query: could not parse '${p}'.`, 'query', 'parameter_invalid_string');
    }
    clauses.push({
      negate: m[1] === '-',
      field: m[2]!,
      metaKey: m[3] ?? null,
      op: m[4]!,
      value: m[5] ?? m[6] ?? m[7] ?? '',
    });
  }
  return { clauses, or };
}

/** `v[key]`, or undefined when `v` is null or undefined. */
function member(v: unknown, key: string): unknown {
  return v === null || v === undefined ? undefined : Reflect.get(Object(v), key);
}

function clauseMatches(o: object, c: Clause): boolean {
  let v: unknown = o;
  for (const part of c.field.split('.')) v = member(v, part);
  if (c.metaKey !== null) v = member(v, c.metaKey);
  let ok: boolean;
  if (c.op === ':') ok = v !== null && v !== undefined && String(v) === c.value;
  else if (c.op === '~') ok = typeof v === 'string' && v.toLowerCase().includes(c.value.toLowerCase());
  else {
    const n = Number(v);
    const x = Number(c.value);
    ok = c.op === '>' ? n > x : c.op === '<' ? n < x : c.op === '>=' ? n >= x : n <= x;
  }
  return c.negate ? !ok : ok;
}

export function search<T extends object>(items: readonly T[], params: SearchParams, url: string) {
  const query = params.query;
  if (!query) throw invalidRequest('Missing required param: query.', 'query', 'parameter_missing');
  const limit = limitOf(params);
  const { clauses, or } = parseQuery(query);
  const matched: T[] = [];
  for (let i = items.length - 1; i >= 0; i--) {
    const o = items[i]!;
    const ok = or ? clauses.some((c) => clauseMatches(o, c)) : clauses.every((c) => clauseMatches(o, c));
    if (ok) matched.push(o);
  }
  const page = params.page;
  const offset = page ? Number(Buffer.from(page, 'base64url').toString()) || 0 : 0;
  const data = matched.slice(offset, offset + limit);
  const hasMore = offset + limit < matched.length;
  return {
    object: 'search_result',
    data,
    has_more: hasMore,
    next_page: hasMore ? Buffer.from(String(offset + limit)).toString('base64url') : null,
    url,
  };
}
