// Applying Stripe's objects to the payments tables, shared by the API (right after its own call) and the
// webhook handlers (after the pipeline's refetch): each sub-domain's sync.ts, in one place.

export * from './charges/application-fee.ts';
export * from './charges/sync.ts';
export type { Synced, SyncScope } from './common.ts';
export * from './customers/sync.ts';
export * from './disputes/sync.ts';
export * from './refunds/sync.ts';
