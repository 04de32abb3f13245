// The request account's object of a kind, or Stripe's 404 (`No such <label>: '<id>'`, `resource_missing`).
import type { Ctx } from './app.ts';
import type { Kind, Kinds } from './store.ts';
import { notFound } from './wire/errors.ts';

export function requireOwn<K extends Kind>(
  ctx: Ctx,
  kind: K,
  id: string,
  param?: string,
  label: string = kind,
): Kinds[K] {
  const o = ctx.app.store.get(ctx.account, id, kind);
  if (!o) throw notFound(label, id, param);
  return o;
}
