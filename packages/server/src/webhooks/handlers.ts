import type { EventHandler, HandlerMap } from './registry.ts';

/**
 * Which handler applies each event type: every domain's handler map, merged. The composition root
 * (job-registry.ts) builds it from the domains' `handlers.ts` and hands it to the `stripe-event` job, so
 * the pipeline imports no domain that handles events.
 */
export interface EventHandlerTable {
  /** The handler for a type (thin `v1.` types resolve to their snapshot type), or undefined. */
  handlerFor(type: string): EventHandler | undefined;
}

/** Merges the domains' maps; a type registered by two domains is a programming error. */
export function eventHandlerTable(domains: Record<string, HandlerMap>): EventHandlerTable {
  const all = new Map<string, EventHandler>();
  for (const [domain, map] of Object.entries(domains)) {
    for (const [type, handler] of Object.entries(map)) {
      if (all.has(type)) throw new Error(`webhook handler for '${type}' registered twice (${domain})`);
      if (handler) all.set(type, handler);
    }
  }
  return { handlerFor: (type) => all.get(type.startsWith('v1.') ? type.slice(3) : type) };
}
