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
  // the platform's plans and each tenant's plan with it
  'billing',
  // usage the platform's app reports for its tenants (platform keys only)
  'usage',
  // the platform's fee revenue, GMV and unit economics (platform only) and each tenant's own figures (read)
  'analytics',
  // read-only support queries (support/): a customer's payments, subscriptions, refunds and their timeline
  'support',
  // the e-mail outbox: list (read), send again (write)
  'notifications',
] as const;
export type ScopeResource = (typeof scopeResources)[number];

/**
 * Powers only an owner holds — and a tenant secret key (which acts as an owner) and the platform — and only
 * they grant. `connect:manage`: disconnect the tenant's Stripe account, link another one in its place, or
 * open what edits the account's payout details (the Express dashboard, onboarding of an account that has
 * submitted them): each decides where the tenant's money goes.
 */
export const ownerScopes = ['connect:manage'] as const;
export type OwnerScope = (typeof ownerScopes)[number];
export type Scope = `${ScopeResource}:${'read' | 'write'}` | OwnerScope;

export const allScopes: Scope[] = scopeResources.flatMap((r) => [
  `${r}:read` as Scope,
  `${r}:write` as Scope,
  ...ownerScopes.filter((s) => s.startsWith(`${r}:`)),
]);
/**
 * Scopes no route or service checks yet (their domains have no API): still valid on keys that hold them, but not
 * offered for new keys, since holding them would grant nothing.
 */
const withoutCapability: ReadonlySet<Scope> = new Set<Scope>([
  'audit_log:write',
  'usage:read',
  // support is read-only by construction (support/): there is nothing to write
  'support:write',
]);

/** The scopes a restricted key is offered (GET /v1/api_key_scopes): each gates something. */
export const offeredScopes: Scope[] = allScopes.filter((s) => !withoutCapability.has(s));

/** Every `:read` scope: a member's powers, so what any dashboard link grants at the least. */
export const readScopes: readonly Scope[] = allScopes.filter((s) => s.endsWith(':read'));
const adminScopes = allScopes.filter((s) => !isOwnerScope(s));

/**
 * The support role (issue 23), a tenant's support member and the operator's support users alike: the support
 * API and what a support agent reads to answer a customer — the tenant itself (its name and support
 * address), its customers and their payments, refunds, disputes, invoices, subscriptions and events. Nothing
 * else: no team, keys, audit log, fees, analytics, plans, Stripe account or e-mails, and no write at all.
 */
export const supportScopes: readonly Scope[] = [
  'support:read',
  'tenants:read',
  'customers:read',
  'payments:read',
  'refunds:read',
  'disputes:read',
  'invoices:read',
  'subscriptions:read',
  'events:read',
];

export function isOwnerScope(s: string): s is OwnerScope {
  return (ownerScopes as readonly string[]).includes(s);
}

export function isScope(s: string): s is Scope {
  return (allScopes as string[]).includes(s);
}

const roleScopes: Record<Role, readonly Scope[]> = {
  support: supportScopes,
  member: readScopes,
  admin: adminScopes,
  owner: allScopes,
};

/**
 * What each dashboard role may do: owners and admins manage and move money; members read; support reads
 * customers and their money only; only owners hold the owner scopes (where the money goes).
 */
export function scopesForRole(role: Role): ReadonlySet<Scope> {
  return new Set(roleScopes[role]);
}

/** Roles from least to most powerful: each holds every power of the ones before it. */
export const roleOrder: readonly Role[] = ['support', 'member', 'admin', 'owner'];

/** The less powerful of two roles (a session bound to a link's role never exceeds the stored one). */
export function lowerRole(a: Role, b: Role): Role {
  return roleOrder.indexOf(a) <= roleOrder.indexOf(b) ? a : b;
}

/**
 * A `write` scope implies its `read`, so a restricted key given `payments:write` can also read payments;
 * `connect:manage` implies `connect:write`.
 */
export function expandScopes(scopes: readonly string[]): Set<Scope> {
  const out = new Set<Scope>();
  for (const s of scopes) {
    if (!isScope(s)) continue;
    out.add(s);
    const [resource] = s.split(':');
    if (s.endsWith(':write') || isOwnerScope(s)) out.add(`${resource}:read` as Scope);
    if (isOwnerScope(s)) out.add(`${resource}:write` as Scope);
  }
  return out;
}
