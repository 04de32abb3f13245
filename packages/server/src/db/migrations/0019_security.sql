ALTER TABLE "sessions" ADD COLUMN "bound_tenant_id" uuid;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "bound_role" text;--> statement-breakpoint
ALTER TABLE "stripe_events" ADD COLUMN "raw_body" "bytea";--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_bound_tenant_id_tenants_id_fk" FOREIGN KEY ("bound_tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;