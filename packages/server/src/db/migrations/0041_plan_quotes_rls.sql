-- A tenant's plan quotes are its own: forced row-level security like the other billing tables.
ALTER TABLE "plan_quotes" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "plan_quotes" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY tenant_isolation ON "plan_quotes"
  USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
