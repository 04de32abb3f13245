// The Connect domain's entry point: other domains and the routes reach Connect only through here.

export { accountHolderSql } from '../db/account-holder.ts';
export * from './common.ts';
export * from './lifecycle.ts';
export * from './oauth.ts';
export * from './onboarding.ts';
export { accountHolder, accountsOf, type ConnectAccountRow } from './repo.ts';
export * from './status.ts';
