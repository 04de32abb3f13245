// Stripe list objects: newest first, `limit` 1–100 (default 10), `starting_after`/`ending_before` cursors,
// `created` filters; and search results with an opaque `page` token.
import type { Obj } from '../store.ts';
import { invalidRequest, paramError } from './errors.ts';
import type { Params } from './schema.ts';

export interface ListObject {
  object: 'list';
  data: unknown[];
  has_more: boolean;
  url: string;
}

function matchCreated(created: number, filter: unknown): boolean {
  if (filter === null || filter === undefined) return true;
  if (typeof filter === 'number') return created === filter;
  const f = filter as { gt?: number | null; gte?: number | null; lt?: number | null; lte?: number | null };
  if (f.gt != null && !(created > f.gt)) return false;
  if (f.gte != null && !(created >= f.gte)) return false;
  if (f.lt != null && !(created < f.lt)) return false;
  if (f.lte != null && !(created <= f.lte)) return false;
  return true;
}

export function limitOf(params: Params): number {
  const limit = (params.limit as number | null | undefined) ?? 10;
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
export function paginate(
  items: readonly Obj[],
  params: Params,
  url: string,
  filter?: (o: Obj) => boolean,
): ListObject {
  const limit = limitOf(params);
  const after = params.starting_after as string | null | undefined;
  const before = params.ending_before as string | null | undefined;
  if (after && before) {
    throw invalidRequest('You may only specify one of these parameters: ending_before, starting_after.');
  }
  const keep = (o: Obj) => matchCreated(o.created as number, params.created) && (!filter || filter(o));
  const data: Obj[] = [];
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

export function emptyList(url: string): ListObject {
  return { object: 'list', data: [], has_more: false, url };
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

function clauseMatches(o: Obj, c: Clause): boolean {
  let v: unknown = o;
  for (const part of c.field.split('.')) v = (v as Record<string, unknown> | null)?.[part];
  if (c.metaKey !== null) v = (v as Record<string, unknown> | null)?.[c.metaKey];
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

export function search(items: readonly Obj[], params: Params, url: string) {
  const query = params.query as string | null | undefined;
  if (!query) throw invalidRequest('Missing required param: query.', 'query', 'parameter_missing');
  const limit = limitOf(params);
  const { clauses, or } = parseQuery(query);
  const matched: Obj[] = [];
  for (let i = items.length - 1; i >= 0; i--) {
    const o = items[i]!;
    const ok = or ? clauses.some((c) => clauseMatches(o, c)) : clauses.every((c) => clauseMatches(o, c));
    if (ok) matched.push(o);
  }
  const page = params.page as string | null | undefined;
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
