// `expand[]`: replace id strings by the objects they name, one level or dotted paths (max 4 levels), with
// `data.` on lists; and expandable-only fields (like `charge.refunds`) that appear only when expanded.
import type { Store } from '../store.ts';
import { invalidRequest } from './errors.ts';

type Rec = Record<string, unknown>;

/** Fields computed only when expanded: object type → field → producer. */
const expandOnly = new Map<string, Map<string, (obj: Rec, store: Store) => unknown>>();

export function registerExpandOnly(
  type: string,
  field: string,
  fn: (obj: Rec, store: Store) => unknown,
): void {
  let m = expandOnly.get(type);
  if (!m) {
    m = new Map();
    expandOnly.set(type, m);
  }
  m.set(field, fn);
}

function cannot(path: string): never {
  throw invalidRequest(`This property cannot be expanded (${path}).`, 'expand');
}

function expandPath(value: unknown, parts: string[], full: string, store: Store): unknown {
  if (Array.isArray(value)) return value.map((v) => expandPath(v, parts, full, store));
  const [head, ...rest] = parts;
  if (typeof value !== 'object' || value === null || head === undefined) return value;
  const copy: Rec = { ...value };
  const producer = expandOnly.get(String(copy.object))?.get(head);
  let v: unknown;
  if (producer) v = producer(copy, store);
  else if (head in copy) {
    v = copy[head];
    if (typeof v === 'string') {
      const found = store.find(v);
      if (!found) {
        // Ids of things we do not store (e.g. `ca_` applications) stay as they are.
        if (rest.length || !/^[a-z]+_[A-Za-z0-9_]+$/.test(v)) cannot(full);
      } else v = found.obj;
    } else if (Array.isArray(v)) {
      // Lists of ids (`discounts`): expand each one that names a stored object.
      v = v.map((x) => (typeof x === 'string' ? (store.find(x)?.obj ?? x) : x));
    } else if (v !== null && typeof v !== 'object') cannot(full);
  } else cannot(full);
  if (rest.length && v !== null) v = expandPath(v, rest, full, store);
  copy[head] = v;
  return copy;
}

export function applyExpand(value: unknown, paths: string[], store: Store): unknown {
  let out = value;
  for (const path of paths) {
    const parts = path.split('.');
    if (parts.length > 4) {
      throw invalidRequest(`You cannot expand more than 4 levels of a property. Property: ${path}`, 'expand');
    }
    out = expandPath(out, parts, path, store);
  }
  return out;
}
