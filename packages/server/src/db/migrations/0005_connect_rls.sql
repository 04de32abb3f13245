-- Connected accounts and OAuth states are tenant-owned. The OAuth callback and the onboarding
-- return/refresh redirects find their row by a hashed token before the tenant is known (withSystem).
ALTER TABLE "connect_accounts" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "connect_accounts" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY tenant_isolation ON "connect_accounts"
  USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
ALTER TABLE "connect_oauth_states" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "connect_oauth_states" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY tenant_isolation ON "connect_oauth_states"
  USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
