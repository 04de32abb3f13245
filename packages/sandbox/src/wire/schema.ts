// Parameter coercion and validation, as Stripe does it: form values arrive as strings, are coerced by the
// endpoint's spec, and any parameter the endpoint does not know is rejected with `parameter_unknown`.
import type { Address } from '../objects/common.ts';
import { invalidRequest, missingParam, paramError, unknownParam } from './errors.ts';

export type Params = Record<string, unknown>;
/** Coerces and validates one parameter; what it returns is the parameter's type after validation. */
export type Check<T = unknown> = (value: unknown, path: string) => T;
export type Shape = Readonly<Record<string, Check>>;
/** What a check returns. */
export type Out<C> = C extends Check<infer T> ? T : never;
/** Validated params of a shape: each key is absent when not sent (`undefined`), null when sent empty, else
 * its check's type; the `R` keys are required (present and not null). */
export type Valid<S extends Shape, R extends keyof S = never> = { -readonly [K in keyof S]?: Out<S[K]> } & {
  -readonly [K in R]-?: NonNullable<Out<S[K]>>;
};

const isPlain = (v: unknown): v is Params => typeof v === 'object' && v !== null && !Array.isArray(v);

const show = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

/** `key=` (empty) means "unset" for every type except free strings, where it also means null. */
const empty = (v: unknown) => v === undefined || v === null || v === '';

/** A free string of at most `max` characters (Stripe's default is 5,000; a few fields take more). */
export const strOf =
  (max: number): Check<string | null> =>
  (v, path) => {
    if (empty(v)) return null;
    if (typeof v !== 'string')
      throw paramError(`Invalid string: ${show(v)}`, path, 'parameter_invalid_string');
    if (v.length > max) throw paramError(`Invalid string: too long`, path, 'parameter_invalid_string');
    return v;
  };

export const str = strOf(5000);

export const int: Check<number | null> = (v, path) => {
  if (empty(v)) return null;
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v !== 'string' || !/^-?\d{1,15}$/.test(v)) {
    throw paramError(`Invalid integer: ${show(v)}`, path, 'parameter_invalid_integer');
  }
  return Number(v);
};

/** A decimal number (`application_fee_percent`): a JSON number or its form string. */
export const decimalNumber: Check<number | null> = (v, path) => {
  if (empty(v)) return null;
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v !== 'string' || !/^-?(\d+(\.\d*)?|\.\d+)$/.test(v)) {
    throw invalidRequest(`Invalid decimal: ${show(v)}`, path);
  }
  return Number(v);
};

/** `true`/`false` in any case: stripe-python and other older clients send `True`/`False`. */
export function boolOf(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (typeof v !== 'string') return undefined;
  const s = v.toLowerCase();
  return s === 'true' ? true : s === 'false' ? false : undefined;
}

export const bool: Check<boolean | null> = (v, path) => {
  if (empty(v)) return null;
  const b = boolOf(v);
  if (b === undefined) throw paramError(`Invalid boolean: ${show(v)}`, path, 'parameter_invalid_boolean');
  return b;
};

export const any: Check<unknown> = (v) => v;

/** Free-form nested hash we accept without modelling it (e.g. `shipping`, `payment_method_options`). */
export const hash: Check<Params | null> = (v, path) => {
  if (empty(v)) return null;
  if (!isPlain(v)) throw paramError(`Invalid object`, path, 'parameter_invalid_object');
  return v;
};

export function enm<const V extends string>(...values: V[]): Check<V | null> {
  const allowed: readonly string[] = values;
  const isValue = (v: unknown): v is V => typeof v === 'string' && allowed.includes(v);
  return (v, path) => {
    if (empty(v)) return null;
    if (!isValue(v)) {
      throw paramError(
        `Invalid ${path}: must be one of ${values.join(', ')}`,
        path,
        'parameter_invalid_string',
      );
    }
    return v;
  };
}

export function arr<T>(item: Check<T>): Check<T[] | null> {
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

export function oneOf<const C extends Check[]>(...checks: C): Check<Out<C[number]>> {
  return (v, path): Out<C[number]> => {
    let last: unknown;
    for (const c of checks) {
      try {
        return c(v, path) as Out<C[number]>;
      } catch (e) {
        last = e;
      }
    }
    throw last;
  };
}

export function obj<S extends Shape, R extends keyof S & string = never>(
  shape: S,
  required: readonly R[] = [],
): Check<Valid<S, R> | null> {
  return (v, path) => {
    if (empty(v)) return null;
    if (!isPlain(v)) throw paramError(`Invalid object`, path, 'parameter_invalid_object');
    return validate(shape, v, required, path);
  };
}

/** Validated `metadata`: null clears it all, a null value deletes one key. */
export type MetadataParam = Record<string, string | null> | null;

/** Metadata: up to 50 keys, key ≤ 40 chars, value ≤ 500 chars; `metadata[k]=` deletes k. */
export const metadata: Check<MetadataParam> = (v, path) => {
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

export const createdFilter = oneOf(int, obj({ gt: int, gte: int, lt: int, lte: int }));

export const listParams = {
  limit: int,
  starting_after: str,
  ending_before: str,
  created: createdFilter,
};

/** Validate params against a spec: coerce known keys, reject unknown ones, require required ones. */
export function validate<S extends Shape, R extends keyof S & string = never>(
  shape: S,
  params: Params,
  required: readonly R[] = [],
  prefix = '',
): Valid<S, R> {
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
  // The checks produced every value and the required ones are present: `out` is what the shape describes.
  return out as Valid<S, R>;
}

/** Copy onto `target` each of `keys` that `p` has: sent, even empty (null). */
export function assignSent<T extends object, K extends keyof T>(
  target: T,
  p: Partial<Pick<T, K>>,
  keys: readonly K[],
): void {
  for (const k of keys) {
    const v = p[k];
    if (v !== undefined) target[k] = v;
  }
}

/** Apply a metadata update: null clears everything, a null value deletes one key. */
export function mergeMetadata(
  current: Record<string, string>,
  update: MetadataParam | undefined,
): Record<string, string> {
  if (update === undefined) return current;
  if (update === null) return {};
  const next = { ...current };
  for (const [k, v] of Object.entries(update)) {
    if (v === null) delete next[k];
    else next[k] = v;
  }
  return next;
}

/** An address with every field null. */
export function emptyAddress(): Address {
  return { city: null, country: null, line1: null, line2: null, postal_code: null, state: null };
}

export function fullAddress(a: unknown): Address | null {
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
