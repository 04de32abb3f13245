// The webhooks domain's front door. Other domains write their event handlers against registry.ts's types
// and build them on apply.ts's common handler, and tell the platform's app through outbound events
// (outbound/emit.ts); the composition roots take the inbox, replay and backfill from here.
export { type FetchedObject, storeStripeObject, syncHandler, upsertStripeObject } from './apply.ts';
export { backfillEvents } from './backfill.ts';
export { replayMatching } from './events-service.ts';
export { Inbox } from './inbox.ts';
export { emitOutbound } from './outbound/emit.ts';
export { isOutboundEventType, type OutboundEventType, outboundEventTypes } from './outbound/event-types.ts';
export type { EventHandler, HandlerContext, HandlerMap, RefetchableObject } from './registry.ts';
export { routeStoredPlatformEvents } from './route-stored.ts';
