import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify';
import type { Db } from '../db/client.ts';
import { withTenant } from '../db/tenant.ts';
import { type Actor, isPlatform } from '../scope/actor.ts';
import { insertAudit } from '../scope/audit.ts';
import { ApiError } from './errors.ts';

/**
 * What a tenant's own credentials (its API keys, its members' dashboard sessions) may still do while its
 * plan is unpaid, declared per route in `config.dunning` and decided here alone (docs/platform-billing.md,
 * Restrictions). The state is the tenant's `tenant_billing.state`; `past_due` (the grace period) restricts
 * nothing:
 * - `allowed` — never refused: reading, refunds, dispute evidence, cancelling, the billing page, the portal;
 * - `growth` — new API keys and team members: refused in `warning` (402 `tenant_past_due`) and `suspended`
 *   (402 `tenant_suspended`);
 * - `new_business` — new payments, invoices, Payment Links and subscriptions: refused when `suspended`;
 * - `plan_change` — quotes and their acceptance: refused when `suspended` (in `warning` the acceptance itself
 *   refuses a change that charges: `paid_upgrade`, decided by the service from the quote).
 * Platform keys and the operator are never refused; what they change through these routes on a suspended
 * tenant (acting for it) is audited.
 * Every mutating route naming a tenant that a tenant credential can call declares its rule
 * (`test/billing/dunning-restrictions.test.ts` fails for one that does not).
 */
export type DunningRule = 'allowed' | 'growth' | 'new_business' | 'plan_change';
/** A rule a service applies itself, once it knows what the request does. */
export type ServiceDunningRule = 'paid_upgrade';

declare module 'fastify' {
  interface FastifyContextConfig {
    dunning?: DunningRule;
  }
  interface FastifyRequest {
    /** A platform caller changing a suspended tenant: audited once the change succeeds. */
    suspendedTenantAction: boolean;
  }
}

export const dunningRules: readonly DunningRule[] = ['allowed', 'growth', 'new_business', 'plan_change'];

const refused: Record<Exclude<DunningRule, 'allowed'> | ServiceDunningRule, { in: string[]; what: string }> =
  {
    growth: { in: ['warning', 'suspended'], what: 'new API keys and team invitations are' },
    new_business: { in: ['suspended'], what: 'new payments, invoices, Payment Links and subscriptions are' },
    plan_change: { in: ['suspended'], what: 'plan changes are' },
    paid_upgrade: { in: ['warning', 'suspended'], what: 'a plan change paid now is' },
  };

/** The refusal of `rule` in `state`, or null when the tenant may go ahead. */
export function dunningRefusal(
  state: string | null | undefined,
  rule: DunningRule | ServiceDunningRule,
): ApiError | null {
  if (rule === 'allowed' || !state || !refused[rule].in.includes(state)) return null;
  const what = refused[rule].what;
  return state === 'suspended'
    ? new ApiError(
        'tenant_suspended',
        `This account is suspended for an unpaid plan invoice: ${what} refused until it is paid. Pay the open invoice on the Billing page to restore the account.`,
      )
    : new ApiError(
        'tenant_past_due',
        `This account's plan invoice is past due: ${what} paused until it is paid. Pay the open invoice on the Billing page (a new card pays it at once) to restore full access.`,
      );
}

/** Tenant credentials are restricted; the platform (its keys, the operator) is not. */
export function refuseInDunning(
  actor: Actor,
  state: string | null | undefined,
  rule: DunningRule | ServiceDunningRule,
): void {
  if (isPlatform(actor)) return;
  const refusal = dunningRefusal(state, rule);
  if (refusal) throw refusal;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The tenant's billing state, from the entitlements cache when it holds it (billing's, handed in). */
export type BillingStateOf = (db: Db, tenantId: string) => Promise<string>;

/** Refuses, at start-up, a rule that is not one of the four. */
function checkRule(route: Pick<RouteOptions, 'method' | 'url' | 'config'>): void {
  const rule = (route.config as { dunning?: unknown } | undefined)?.dunning;
  if (rule !== undefined && !dunningRules.includes(rule as DunningRule))
    throw new Error(`${route.url} declares an unknown dunning rule: ${JSON.stringify(rule)}`);
}

async function auditSuspendedAction(
  request: FastifyRequest,
  db: Db,
  tenantId: string,
  status: number,
): Promise<void> {
  const actor = request.actor;
  if (!actor) return;
  await withTenant(db, tenantId, (tx) =>
    insertAudit(tx, actor, request.id, {
      tenantId,
      action: 'billing.suspended_tenant_action',
      data: {
        state: 'suspended',
        method: request.method,
        route: request.routeOptions.url,
        status,
      },
    }),
  );
}

/**
 * After the route's access is checked (http/access.ts) and before the body is read: a tenant credential's
 * request refused by its route's rule in the tenant's state gets its 402. Safe methods are never refused,
 * and only a rule that can refuse reads the state.
 */
export function registerDunning(app: FastifyInstance, db: Db, stateOf: BillingStateOf): void {
  app.decorateRequest('suspendedTenantAction', false);
  app.addHook('onRoute', checkRule);
  app.addHook('onRequest', async (request) => {
    const scope = request.scope;
    const rule = request.routeOptions.config?.dunning;
    // the platform's own routes (its fees, credits, usage reports) declare no rule: no tenant credential
    // calls them, and the platform administering a tenant is not acting for it
    if (!scope?.tenantId || rule === undefined || SAFE_METHODS.has(request.method)) return;
    if (isPlatform(scope.actor)) {
      request.suspendedTenantAction = (await stateOf(db, scope.tenantId)) === 'suspended';
      return;
    }
    if (rule === 'allowed') return;
    refuseInDunning(scope.actor, await stateOf(db, scope.tenantId), rule);
  });
  // before the answer leaves, so the platform's next read of the audit log holds the entry
  app.addHook('onSend', async (request, reply, payload) => {
    const tenantId = request.scope?.tenantId;
    if (!request.suspendedTenantAction || !tenantId || reply.statusCode >= 400) return payload;
    try {
      await auditSuspendedAction(request, db, tenantId, reply.statusCode);
    } catch (err) {
      // the change is made: its answer is sent whatever becomes of the note
      request.log.error({ err }, 'could not audit a platform action on a suspended tenant');
    }
    return payload;
  });
}
