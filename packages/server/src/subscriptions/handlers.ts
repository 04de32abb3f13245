import { syncHandler } from '../webhooks/apply.ts';
import type { HandlerMap } from '../webhooks/registry.ts';

// Subscriptions' webhook handlers (issue 7): subscriptions are refetched and applied guarded.
const subscription = (outbound?: string) => syncHandler('subscription', outbound);

export const subscriptionHandlers: HandlerMap = {
  'customer.subscription.created': subscription('subscription.created'),
  'customer.subscription.updated': subscription('subscription.updated'),
  'customer.subscription.deleted': subscription('subscription.canceled'),
  'customer.subscription.paused': subscription('subscription.updated'),
  'customer.subscription.resumed': subscription('subscription.updated'),
  'customer.subscription.trial_will_end': subscription(),
};
