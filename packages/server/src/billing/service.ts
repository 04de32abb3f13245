// The platform billing its tenants (billing issue): for now its webhook handlers alone.
export { billingHandlers } from './handlers.ts';
