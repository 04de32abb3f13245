CREATE TABLE "stripe_event_attempts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"event_id" text NOT NULL,
	"tenant_id" uuid,
	"attempt" integer NOT NULL,
	"outcome" text NOT NULL,
	"error" text,
	"started_at" timestamp with time zone NOT NULL,
	"duration_ms" integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE "stripe_event_attempts" ADD CONSTRAINT "stripe_event_attempts_event_id_stripe_events_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."stripe_events"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stripe_event_attempts" ADD CONSTRAINT "stripe_event_attempts_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "stripe_event_attempts_event_idx" ON "stripe_event_attempts" USING btree ("event_id","started_at");