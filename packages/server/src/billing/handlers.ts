import type { HandlerMap } from '../webhooks/service.ts';

// The platform billing its tenants registers its handlers here (billing issue); none yet.
export const billingHandlers: HandlerMap = {};
