import { syncHandler } from '../webhooks/apply.ts';
import type { HandlerMap } from '../webhooks/registry.ts';

// Connect's webhook handlers (issue 7): account state is refetched; the platform's app hears of changes.
export const connectHandlers: HandlerMap = {
  'account.updated': syncHandler('account', 'account.updated'),
  'account.application.authorized': syncHandler('account', 'account.updated'),
  'account.application.deauthorized': syncHandler(undefined, 'account.deauthorized'),
  'capability.updated': syncHandler(undefined),
  'account.external_account.created': syncHandler(undefined),
  'account.external_account.updated': syncHandler(undefined),
  'account.external_account.deleted': syncHandler(undefined),
};
