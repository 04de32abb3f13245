import { describe, expect, it } from 'vitest';
import { billingHandlers, platformBillingHandlers } from '../../src/billing/handlers.ts';
import { subscriptionHandlers } from '../../src/subscriptions/handlers.ts';
import { eventHandlerTable } from '../../src/webhooks/handlers.ts';

/**
 * The platform billing's handlers share event types with the tenants' subscriptions and invoices: the table
 * keeps them apart, and refuses a pair that would refetch different objects (the pipeline refetches before
 * it knows which of the two applies).
 */
describe('event handler table', () => {
  it("keeps platform billing's handlers apart from the tenants' for the same types", () => {
    const table = eventHandlerTable(
      { subscriptions: subscriptionHandlers, billing: billingHandlers },
      platformBillingHandlers,
    );
    for (const type of ['invoice.paid', 'customer.subscription.updated', 'v1.invoice.payment_failed']) {
      expect(table.handlerFor(type)).toBeDefined();
      expect(table.platformBillingFor(type)).toBeDefined();
      expect(table.platformBillingFor(type)).not.toBe(table.handlerFor(type));
    }
    expect(table.platformBillingFor('payment_intent.succeeded')).toBeUndefined();
  });

  it('refuses a platform billing handler that refetches another object than the tenants', () => {
    expect(() =>
      eventHandlerTable(
        { subscriptions: subscriptionHandlers },
        { 'invoice.paid': { refetch: 'subscription', apply: async () => {} } },
      ),
    ).toThrow(/refetches another object/);
  });
});
