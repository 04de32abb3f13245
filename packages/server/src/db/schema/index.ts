export * from './auth.ts';
export * from './connect.ts';
export * from './payments.ts';
export * from './tenancy.ts';
export * from './webhooks.ts';
