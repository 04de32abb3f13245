CREATE TABLE "analytics_restate_from" (
	"tenant_id" uuid PRIMARY KEY NOT NULL,
	"restate_from" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "mrr_changes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"stripe_subscription_id" text NOT NULL,
	"stripe_customer_id" text NOT NULL,
	"currency" text NOT NULL,
	"mrr" bigint NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"churn_kind" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"tenant_id" uuid NOT NULL
);
--> statement-breakpoint
CREATE TABLE "mrr_observations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"stripe_subscription_id" text NOT NULL,
	"stripe_customer_id" text NOT NULL,
	"currency" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"rank" integer NOT NULL,
	"status" text NOT NULL,
	"mrr" bigint NOT NULL,
	"churn_kind" text,
	"later" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"source" text NOT NULL,
	"stripe_event_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"tenant_id" uuid NOT NULL
);
--> statement-breakpoint
CREATE TABLE "platform_analytics_restate_from" (
	"scope" text PRIMARY KEY DEFAULT 'platform' NOT NULL,
	"restate_from" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "platform_mrr_changes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"stripe_subscription_id" text NOT NULL,
	"stripe_customer_id" text NOT NULL,
	"currency" text NOT NULL,
	"mrr" bigint NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"churn_kind" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"billed_tenant_id" uuid
);
--> statement-breakpoint
CREATE TABLE "platform_mrr_observations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"stripe_subscription_id" text NOT NULL,
	"stripe_customer_id" text NOT NULL,
	"currency" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"rank" integer NOT NULL,
	"status" text NOT NULL,
	"mrr" bigint NOT NULL,
	"churn_kind" text,
	"later" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"source" text NOT NULL,
	"stripe_event_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"billed_tenant_id" uuid
);
--> statement-breakpoint
CREATE TABLE "platform_mrr_suspensions" (
	"case_id" uuid PRIMARY KEY NOT NULL,
	"billed_tenant_id" uuid,
	"stripe_subscription_id" text NOT NULL,
	"stripe_customer_id" text NOT NULL,
	"suspended_at" timestamp with time zone NOT NULL,
	"recovered_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "analytics_restate_from" ADD CONSTRAINT "analytics_restate_from_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mrr_changes" ADD CONSTRAINT "mrr_changes_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mrr_observations" ADD CONSTRAINT "mrr_observations_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "platform_mrr_changes" ADD CONSTRAINT "platform_mrr_changes_billed_tenant_id_tenants_id_fk" FOREIGN KEY ("billed_tenant_id") REFERENCES "public"."tenants"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "platform_mrr_observations" ADD CONSTRAINT "platform_mrr_observations_billed_tenant_id_tenants_id_fk" FOREIGN KEY ("billed_tenant_id") REFERENCES "public"."tenants"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "platform_mrr_suspensions" ADD CONSTRAINT "platform_mrr_suspensions_billed_tenant_id_tenants_id_fk" FOREIGN KEY ("billed_tenant_id") REFERENCES "public"."tenants"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "mrr_changes_key" ON "mrr_changes" USING btree ("tenant_id","stripe_subscription_id","currency","at");--> statement-breakpoint
CREATE INDEX "mrr_changes_at_idx" ON "mrr_changes" USING btree ("tenant_id","at");--> statement-breakpoint
CREATE UNIQUE INDEX "mrr_observations_key" ON "mrr_observations" USING btree ("tenant_id","stripe_subscription_id","at","rank");--> statement-breakpoint
CREATE UNIQUE INDEX "platform_mrr_changes_key" ON "platform_mrr_changes" USING btree ("stripe_subscription_id","currency","at");--> statement-breakpoint
CREATE INDEX "platform_mrr_changes_at_idx" ON "platform_mrr_changes" USING btree ("at");--> statement-breakpoint
CREATE UNIQUE INDEX "platform_mrr_observations_key" ON "platform_mrr_observations" USING btree ("stripe_subscription_id","at","rank");--> statement-breakpoint
CREATE INDEX "platform_mrr_suspensions_sub_idx" ON "platform_mrr_suspensions" USING btree ("stripe_subscription_id");