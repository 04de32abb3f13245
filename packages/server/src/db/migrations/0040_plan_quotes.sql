CREATE TABLE "plan_quotes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"plan_id" uuid NOT NULL,
	"plan_price_id" uuid NOT NULL,
	"interval" text NOT NULL,
	"currency" text NOT NULL,
	"kind" text NOT NULL,
	"items" jsonb NOT NULL,
	"proration_date" timestamp with time zone NOT NULL,
	"lines" jsonb NOT NULL,
	"amount_due" bigint NOT NULL,
	"effective_at" timestamp with time zone NOT NULL,
	"stripe_customer_id" text,
	"stripe_subscription_id" text,
	"from_plan_price_id" uuid,
	"customer_balance" bigint DEFAULT 0 NOT NULL,
	"stripe_state" text DEFAULT '' NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "tenant_billing" ADD COLUMN "pending_plan_id" uuid;--> statement-breakpoint
ALTER TABLE "tenant_billing" ADD COLUMN "pending_plan_price_id" uuid;--> statement-breakpoint
ALTER TABLE "tenant_billing" ADD COLUMN "pending_effective_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "tenant_billing" ADD COLUMN "stripe_schedule_id" text;--> statement-breakpoint
ALTER TABLE "plan_quotes" ADD CONSTRAINT "plan_quotes_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "plan_quotes" ADD CONSTRAINT "plan_quotes_plan_id_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."plans"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "plan_quotes" ADD CONSTRAINT "plan_quotes_plan_price_id_plan_prices_id_fk" FOREIGN KEY ("plan_price_id") REFERENCES "public"."plan_prices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "plan_quotes_tenant_idx" ON "plan_quotes" USING btree ("tenant_id","created_at");--> statement-breakpoint
ALTER TABLE "tenant_billing" ADD CONSTRAINT "tenant_billing_pending_plan_id_plans_id_fk" FOREIGN KEY ("pending_plan_id") REFERENCES "public"."plans"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tenant_billing" ADD CONSTRAINT "tenant_billing_pending_plan_price_id_plan_prices_id_fk" FOREIGN KEY ("pending_plan_price_id") REFERENCES "public"."plan_prices"("id") ON DELETE no action ON UPDATE no action;