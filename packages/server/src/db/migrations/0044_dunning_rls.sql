-- A tenant's dunning cases and their attempts are its own: forced row-level security like the other billing tables.
ALTER TABLE "dunning_cases" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "dunning_cases" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY tenant_isolation ON "dunning_cases"
  USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
ALTER TABLE "dunning_attempts" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "dunning_attempts" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY tenant_isolation ON "dunning_attempts"
  USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
