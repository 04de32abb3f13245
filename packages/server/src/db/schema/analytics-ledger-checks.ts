import { integer, jsonb, pgTable, uuid } from 'drizzle-orm/pg-core';
import { ts } from './columns.ts';

/** One broken identity the ledger check found (analytics/ledger-check.ts). */
export interface LedgerAlert {
  scope: 'platform' | 'tenant';
  /** the tenant's public id for a tenant's ledger */
  tenant: string | null;
  currency: string;
  /** YYYY-MM */
  period: string;
  problem: string;
}

/**
 * Each run of the nightly ledger check: how many ledgers (the platform's, each tenant's) and periods it
 * checked, and what did not add up. The platform's alone: forced row-level security with no policy.
 */
export const analyticsLedgerChecks = pgTable('analytics_ledger_checks', {
  id: uuid('id').primaryKey().defaultRandom(),
  checkedAt: ts('checked_at').notNull().defaultNow(),
  ledgers: integer('ledgers').notNull(),
  periods: integer('periods').notNull(),
  violations: jsonb('violations').$type<LedgerAlert[]>().notNull().default([]),
});
