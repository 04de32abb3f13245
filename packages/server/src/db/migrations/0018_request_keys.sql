ALTER TABLE "payments" ADD COLUMN "request_key" text;--> statement-breakpoint
ALTER TABLE "refunds" ADD COLUMN "request_key" text;--> statement-breakpoint
ALTER TABLE "subscriptions" ADD COLUMN "request_key" text;--> statement-breakpoint
CREATE UNIQUE INDEX "payments_request_key" ON "payments" USING btree ("tenant_id","request_key");--> statement-breakpoint
CREATE UNIQUE INDEX "refunds_request_key" ON "refunds" USING btree ("tenant_id","request_key");--> statement-breakpoint
CREATE UNIQUE INDEX "subscriptions_request_key" ON "subscriptions" USING btree ("tenant_id","request_key");