import type { EventHandler, HandlerMap } from './registry.ts';

/**
 * Which handler applies each event type: every domain's handler map, merged. The composition root
 * (job-registry.ts) builds it from the domains' `handlers.ts` and hands it to the `stripe-event` job, so
 * the pipeline imports no domain that handles events.
 */
export interface EventHandlerTable {
  /** The handler for a type (thin `v1.` types resolve to their snapshot type), or undefined. */
  handlerFor(type: string): EventHandler | undefined;
  /**
   * The platform billing handler of a type (`invoice.*`, `customer.subscription.*`, `customer.discount.*`, `setup_intent.succeeded`): applied instead of
   * `handlerFor`'s only to a platform-account event whose customer is a tenant's billing customer
   * (platform-billing.ts), never because of metadata.
   */
  platformBillingFor(type: string): EventHandler | undefined;
}

/**
 * Merges the domains' maps; a type registered by two domains is a programming error. `platformBilling` is
 * the platform billing its tenants' own map: the same types as the tenants' invoices and subscriptions, for
 * the platform's own customers.
 */
export function eventHandlerTable(
  domains: Record<string, HandlerMap>,
  platformBilling: HandlerMap = {},
): EventHandlerTable {
  const all = new Map<string, EventHandler>();
  for (const [domain, map] of Object.entries(domains)) {
    for (const [type, handler] of Object.entries(map)) {
      if (all.has(type)) throw new Error(`webhook handler for '${type}' registered twice (${domain})`);
      if (handler) all.set(type, handler);
    }
  }
  // the pipeline refetches a platform event's object before it knows whose handler applies it
  for (const [type, handler] of Object.entries(platformBilling)) {
    const other = all.get(type);
    if (other && handler && other.refetch !== handler.refetch)
      throw new Error(`platform billing's handler for '${type}' refetches another object than the tenants'`);
  }
  const base = (type: string) => (type.startsWith('v1.') ? type.slice(3) : type);
  return {
    handlerFor: (type) => all.get(base(type)),
    platformBillingFor: (type) => platformBilling[base(type) as keyof HandlerMap],
  };
}
