// Parameter coercion and validation, as Stripe does it: form values arrive as strings, are coerced by the
// endpoint's spec, and any parameter the endpoint does not know is rejected with `parameter_unknown`.
import { missingParam, paramError, unknownParam } from './errors.ts';

export type Params = Record<string, unknown>;
export type Check = (value: unknown, path: string) => unknown;

const isPlain = (v: unknown): v is Params => typeof v === 'object' && v !== null && !Array.isArray(v);

const show = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

/** `key=` (empty) means "unset" for every type except free strings, where it also means null. */
const empty = (v: unknown) => v === undefined || v === null || v === '';

/** A free string of at most `max` characters (Stripe's default is 5,000; a few fields take more). */
export const strOf =
  (max: number): Check =>
  (v, path) => {
    if (empty(v)) return null;
    if (typeof v !== 'string')
      throw paramError(`Invalid string: ${show(v)}`, path, 'parameter_invalid_string');
    if (v.length > max) throw paramError(`Invalid string: too long`, path, 'parameter_invalid_string');
    return v;
  };

export const str: Check = strOf(5000);

export const int: Check = (v, path) => {
  if (empty(v)) return null;
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v !== 'string' || !/^-?\d{1,15}$/.test(v)) {
    throw paramError(`Invalid integer: ${show(v)}`, path, 'parameter_invalid_integer');
  }
  return Number(v);
};

export const bool: Check = (v, path) => {
  if (empty(v)) return null;
  if (v === true || v === 'true') return true;
  if (v === false || v === 'false') return false;
  throw paramError(`Invalid boolean: ${show(v)}`, path, 'parameter_invalid_boolean');
};

export const any: Check = (v) => v;

/** Free-form nested hash we accept without modelling it (e.g. `shipping`, `payment_method_options`). */
export const hash: Check = (v, path) => {
  if (empty(v)) return null;
  if (!isPlain(v)) throw paramError(`Invalid object`, path, 'parameter_invalid_object');
  return v;
};

export function enm(...values: string[]): Check {
  return (v, path) => {
    if (empty(v)) return null;
    if (typeof v !== 'string' || !values.includes(v)) {
      throw paramError(
        `Invalid ${path}: must be one of ${values.join(', ')}`,
        path,
        'parameter_invalid_string',
      );
    }
    return v;
  };
}

export function arr(item: Check): Check {
  return (v, path) => {
    if (empty(v)) return null;
    let list: unknown[];
    if (Array.isArray(v)) list = v;
    else if (isPlain(v) && Object.keys(v).every((k) => /^\d+$/.test(k))) {
      list = Object.keys(v)
        .sort((a, b) => Number(a) - Number(b))
        .map((k) => v[k]);
    } else throw paramError(`Invalid array`, path, 'parameter_invalid_array');
    return list.map((x, i) => item(x, `${path}[${i}]`));
  };
}

export function oneOf(...checks: Check[]): Check {
  return (v, path) => {
    let last: unknown;
    for (const c of checks) {
      try {
        return c(v, path);
      } catch (e) {
        last = e;
      }
    }
    throw last;
  };
}

export function obj(shape: Record<string, Check>, required: string[] = []): Check {
  return (v, path) => {
    if (empty(v)) return null;
    if (!isPlain(v)) throw paramError(`Invalid object`, path, 'parameter_invalid_object');
    return validate(shape, v, required, path);
  };
}

/** Metadata: up to 50 keys, key ≤ 40 chars, value ≤ 500 chars; `metadata[k]=` deletes k. */
export const metadata: Check = (v, path) => {
  if (v === '' || v === null) return null;
  if (!isPlain(v)) throw paramError(`Invalid object`, path, 'parameter_invalid_object');
  const keys = Object.keys(v);
  if (keys.length > 50) {
    throw paramError(
      'Invalid metadata: metadata can have at most 50 keys.',
      path,
      'parameter_invalid_metadata',
    );
  }
  const out: Record<string, string | null> = {};
  for (const k of keys) {
    const val = v[k];
    if (k.length > 40) {
      throw paramError(
        `Invalid metadata: metadata key "${k}" exceeds 40 characters.`,
        `${path}[${k}]`,
        'parameter_invalid_metadata',
      );
    }
    if (typeof val !== 'string' && typeof val !== 'number' && typeof val !== 'boolean') {
      throw paramError(`Invalid string: ${show(val)}`, `${path}[${k}]`, 'parameter_invalid_string');
    }
    const s = String(val);
    if (s.length > 500) {
      throw paramError(
        `Invalid metadata: metadata value for key "${k}" exceeds 500 characters.`,
        `${path}[${k}]`,
        'parameter_invalid_metadata',
      );
    }
    out[k] = s === '' ? null : s;
  }
  return out;
};

export const address = obj({
  city: str,
  country: str,
  line1: str,
  line2: str,
  postal_code: str,
  state: str,
});

export const createdFilter: Check = oneOf(int, obj({ gt: int, gte: int, lt: int, lte: int }));

export const listParams: Record<string, Check> = {
  limit: int,
  starting_after: str,
  ending_before: str,
  created: createdFilter,
};

/** Validate params against a spec: coerce known keys, reject unknown ones, require required ones. */
export function validate(
  shape: Record<string, Check>,
  params: Params,
  required: string[] = [],
  prefix = '',
): Params {
  const out: Params = {};
  const at = (k: string) => (prefix ? `${prefix}[${k}]` : k);
  for (const key of Object.keys(params)) {
    const check = shape[key];
    if (!check) throw unknownParam(at(key));
    const value = check(params[key], at(key));
    out[key] = value;
  }
  for (const key of required) {
    if (out[key] === undefined || out[key] === null) throw missingParam(at(key));
  }
  return out;
}

/** Apply a metadata update: null clears everything, a null value deletes one key. */
export function mergeMetadata(current: Record<string, string>, update: unknown): Record<string, string> {
  if (update === undefined) return current;
  if (update === null) return {};
  const next = { ...current };
  for (const [k, v] of Object.entries(update as Record<string, string | null>)) {
    if (v === null) delete next[k];
    else next[k] = v;
  }
  return next;
}

export function fullAddress(a: unknown): Params | null {
  if (!isPlain(a)) return null;
  return {
    city: a.city ?? null,
    country: a.country ?? null,
    line1: a.line1 ?? null,
    line2: a.line2 ?? null,
    postal_code: a.postal_code ?? null,
    state: a.state ?? null,
  };
}

export { isPlain };
