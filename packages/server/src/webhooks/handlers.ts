import { billingHandlers } from '../billing/service.ts';
import { connectHandlers } from '../connect/service.ts';
import { invoiceHandlers } from '../invoices/service.ts';
import { paymentHandlers } from '../payments/service.ts';
import { subscriptionHandlers } from '../subscriptions/service.ts';
import type { EventHandler, HandlerMap } from './registry.ts';

const domains: Record<string, HandlerMap> = {
  connect: connectHandlers,
  payments: paymentHandlers,
  invoices: invoiceHandlers,
  subscriptions: subscriptionHandlers,
  billing: billingHandlers,
};

/** Every domain's handlers in one map; a type registered by two domains is a programming error. */
function merge(): ReadonlyMap<string, EventHandler> {
  const all = new Map<string, EventHandler>();
  for (const [domain, map] of Object.entries(domains)) {
    for (const [type, handler] of Object.entries(map)) {
      if (all.has(type)) throw new Error(`webhook handler for '${type}' registered twice (${domain})`);
      if (handler) all.set(type, handler);
    }
  }
  return all;
}

export const eventHandlers = merge();

/** The handler for a type (thin `v1.` types resolve to their snapshot type), or undefined. */
export function handlerFor(type: string): EventHandler | undefined {
  return eventHandlers.get(type.startsWith('v1.') ? type.slice(3) : type);
}
