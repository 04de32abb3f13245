-- A payment's fee balance transactions are its tenant's, like the payment. The operator's analytics inputs
-- are the platform's alone: row-level security forced with no policy, so no tenant context (nor any context
-- but the system role, which bypasses it) reads or writes them.
ALTER TABLE "fee_balance_transactions" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "fee_balance_transactions" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY tenant_isolation ON "fee_balance_transactions"
  USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
ALTER TABLE "analytics_inputs" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "analytics_inputs" FORCE ROW LEVEL SECURITY;
