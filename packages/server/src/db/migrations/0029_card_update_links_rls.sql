-- Card-update links are tenant-owned: a tenant's e-mails make them, and only its context opens one.
ALTER TABLE "card_update_links" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "card_update_links" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY tenant_isolation ON "card_update_links"
  USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
