CREATE TABLE "billing_meters" (
	"metric" text PRIMARY KEY NOT NULL,
	"event_name" text NOT NULL,
	"stripe_meter_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "currency_rates" (
	"from_currency" text NOT NULL,
	"to_currency" text NOT NULL,
	"rate" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "currency_rates_from_currency_to_currency_pk" PRIMARY KEY("from_currency","to_currency")
);
--> statement-breakpoint
CREATE TABLE "meter_reports" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"identifier" text NOT NULL,
	"event_name" text NOT NULL,
	"stripe_customer_id" text NOT NULL,
	"value" bigint NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"sent_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "plan_limits" (
	"plan_id" uuid NOT NULL,
	"metric" text NOT NULL,
	"currency" text DEFAULT '' NOT NULL,
	"limit" bigint NOT NULL,
	"enforcement" text NOT NULL,
	"overage_unit_amount_decimal" text,
	CONSTRAINT "plan_limits_plan_id_metric_currency_pk" PRIMARY KEY("plan_id","metric","currency")
);
--> statement-breakpoint
CREATE TABLE "plan_overage_prices" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"plan_id" uuid NOT NULL,
	"metric" text NOT NULL,
	"currency" text NOT NULL,
	"interval" text NOT NULL,
	"limit" bigint NOT NULL,
	"unit_amount_decimal" text NOT NULL,
	"stripe_price_id" text,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "plan_prices" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"plan_id" uuid NOT NULL,
	"currency" text NOT NULL,
	"interval" text NOT NULL,
	"unit_amount" bigint NOT NULL,
	"stripe_price_id" text,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"superseded_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "plans" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"lookup_key" text NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"trial_days" integer DEFAULT 0 NOT NULL,
	"features" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"thresholds" jsonb DEFAULT '[80,100]'::jsonb NOT NULL,
	"public" boolean DEFAULT true NOT NULL,
	"is_default" boolean DEFAULT false NOT NULL,
	"archived_at" timestamp with time zone,
	"limits_version" integer DEFAULT 1 NOT NULL,
	"stripe_product_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tenant_billing" (
	"tenant_id" uuid PRIMARY KEY NOT NULL,
	"plan_id" uuid NOT NULL,
	"plan_price_id" uuid,
	"currency" text,
	"interval" text,
	"state" text DEFAULT 'active' NOT NULL,
	"stripe_status" text,
	"stripe_customer_id" text,
	"stripe_subscription_id" text,
	"period_start" timestamp with time zone NOT NULL,
	"period_end" timestamp with time zone NOT NULL,
	"previous_period_start" timestamp with time zone,
	"trial_end" timestamp with time zone,
	"cancel_at_period_end" boolean DEFAULT false NOT NULL,
	"limits_version" integer DEFAULT 1 NOT NULL,
	"last_synced_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "usage_alerts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"metric" text NOT NULL,
	"period_start" timestamp with time zone NOT NULL,
	"limits_version" integer NOT NULL,
	"threshold" integer NOT NULL,
	"limit" bigint NOT NULL,
	"used" bigint NOT NULL,
	"notified" boolean NOT NULL,
	"dismissed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "usage_events" (
	"tenant_id" uuid NOT NULL,
	"id" text NOT NULL,
	"metric" text NOT NULL,
	"quantity" bigint NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"period_start" timestamp with time zone NOT NULL,
	"source" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "usage_events_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "usage_summaries" (
	"tenant_id" uuid NOT NULL,
	"metric" text NOT NULL,
	"period_start" timestamp with time zone NOT NULL,
	"used" bigint DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "usage_summaries_tenant_id_metric_period_start_pk" PRIMARY KEY("tenant_id","metric","period_start")
);
--> statement-breakpoint
ALTER TABLE "meter_reports" ADD CONSTRAINT "meter_reports_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "plan_limits" ADD CONSTRAINT "plan_limits_plan_id_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."plans"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "plan_overage_prices" ADD CONSTRAINT "plan_overage_prices_plan_id_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."plans"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "plan_prices" ADD CONSTRAINT "plan_prices_plan_id_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."plans"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tenant_billing" ADD CONSTRAINT "tenant_billing_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tenant_billing" ADD CONSTRAINT "tenant_billing_plan_id_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."plans"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tenant_billing" ADD CONSTRAINT "tenant_billing_plan_price_id_plan_prices_id_fk" FOREIGN KEY ("plan_price_id") REFERENCES "public"."plan_prices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "usage_alerts" ADD CONSTRAINT "usage_alerts_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "usage_events" ADD CONSTRAINT "usage_events_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "usage_summaries" ADD CONSTRAINT "usage_summaries_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "meter_reports_identifier_key" ON "meter_reports" USING btree ("tenant_id","identifier");--> statement-breakpoint
CREATE INDEX "meter_reports_pending_idx" ON "meter_reports" USING btree ("created_at") WHERE status = 'pending';--> statement-breakpoint
CREATE UNIQUE INDEX "plan_overage_prices_active_key" ON "plan_overage_prices" USING btree ("plan_id","metric","currency","interval") WHERE active;--> statement-breakpoint
CREATE UNIQUE INDEX "plan_prices_active_key" ON "plan_prices" USING btree ("plan_id","currency","interval") WHERE active;--> statement-breakpoint
CREATE UNIQUE INDEX "plan_prices_stripe_key" ON "plan_prices" USING btree ("stripe_price_id");--> statement-breakpoint
CREATE UNIQUE INDEX "plans_lookup_key_key" ON "plans" USING btree ("lookup_key");--> statement-breakpoint
CREATE UNIQUE INDEX "plans_default_key" ON "plans" USING btree ("is_default") WHERE is_default;--> statement-breakpoint
CREATE UNIQUE INDEX "tenant_billing_customer_key" ON "tenant_billing" USING btree ("stripe_customer_id");--> statement-breakpoint
CREATE UNIQUE INDEX "tenant_billing_subscription_key" ON "tenant_billing" USING btree ("stripe_subscription_id");--> statement-breakpoint
CREATE INDEX "tenant_billing_plan_idx" ON "tenant_billing" USING btree ("plan_id");--> statement-breakpoint
CREATE UNIQUE INDEX "usage_alerts_once_key" ON "usage_alerts" USING btree ("tenant_id","metric","period_start","limits_version","threshold");--> statement-breakpoint
CREATE INDEX "usage_alerts_tenant_idx" ON "usage_alerts" USING btree ("tenant_id","created_at");--> statement-breakpoint
CREATE INDEX "usage_events_period_idx" ON "usage_events" USING btree ("tenant_id","metric","period_start");