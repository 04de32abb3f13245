export * from './auth.ts';
export * from './connect.ts';
export * from './invoices.ts';
export * from './notifications.ts';
export * from './payments.ts';
export * from './subscriptions.ts';
export * from './tenancy.ts';
export * from './webhooks.ts';
