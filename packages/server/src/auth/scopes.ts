import type { Role } from '../db/schema/index.ts';

/** Resources an API key scope can name; each has `:read` and `:write`. Later domains add theirs here. */
export const scopeResources = [
  'tenants',
  'members',
  'api_keys',
  'audit_log',
  'connect',
  // the platform's application fee: the default (GET /v1/fee_schedule) and each tenant's override
  'fees',
  'customers',
  'payments',
  'refunds',
  'disputes',
  'invoices',
  'subscriptions',
  'events',
  'webhook_endpoints',
  'billing',
  'analytics',
  'support',
] as const;
export type ScopeResource = (typeof scopeResources)[number];
export type Scope = `${ScopeResource}:${'read' | 'write'}`;

export const allScopes: Scope[] = scopeResources.flatMap((r) => [`${r}:read`, `${r}:write`] as Scope[]);
const readScopes = allScopes.filter((s) => s.endsWith(':read'));

export function isScope(s: string): s is Scope {
  return (allScopes as string[]).includes(s);
}

/** What each dashboard role may do: owners and admins manage and move money; members read. */
export function scopesForRole(role: Role): ReadonlySet<Scope> {
  return new Set(role === 'member' ? readScopes : allScopes);
}

/** Roles from least to most powerful: each holds every power of the ones before it. */
const roleOrder: readonly Role[] = ['member', 'admin', 'owner'];

/** The less powerful of two roles (a session bound to a link's role never exceeds the stored one). */
export function lowerRole(a: Role, b: Role): Role {
  return roleOrder.indexOf(a) <= roleOrder.indexOf(b) ? a : b;
}

/** A `write` scope implies its `read`, so a restricted key given `payments:write` can also read payments. */
export function expandScopes(scopes: readonly string[]): Set<Scope> {
  const out = new Set<Scope>();
  for (const s of scopes) {
    if (!isScope(s)) continue;
    out.add(s);
    if (s.endsWith(':write')) out.add(s.replace(':write', ':read') as Scope);
  }
  return out;
}
