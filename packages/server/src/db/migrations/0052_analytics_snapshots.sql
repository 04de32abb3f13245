CREATE TABLE "mrr_snapshot_states" (
	"tenant_id" uuid PRIMARY KEY NOT NULL,
	"computed_at" timestamp with time zone NOT NULL,
	"horizon" timestamp with time zone NOT NULL,
	"latest_change_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "mrr_snapshots" (
	"tenant_id" uuid NOT NULL,
	"currency" text NOT NULL,
	"unit" text NOT NULL,
	"period_start" timestamp with time zone NOT NULL,
	"period_end" timestamp with time zone NOT NULL,
	"start_mrr" bigint NOT NULL,
	"end_mrr" bigint NOT NULL,
	"new_mrr" bigint NOT NULL,
	"reactivation_mrr" bigint NOT NULL,
	"expansion_mrr" bigint NOT NULL,
	"contraction_mrr" bigint NOT NULL,
	"churn_mrr" bigint NOT NULL,
	"churn_voluntary_mrr" bigint NOT NULL,
	"churn_involuntary_mrr" bigint NOT NULL,
	"paying_at_start" integer NOT NULL,
	"paying_at_end" integer NOT NULL,
	"start_payers_end_mrr" bigint NOT NULL,
	"churned_customers" integer NOT NULL,
	"churned_voluntary" integer NOT NULL,
	"churned_involuntary" integer NOT NULL,
	CONSTRAINT "mrr_snapshots_tenant_id_unit_currency_period_start_pk" PRIMARY KEY("tenant_id","unit","currency","period_start")
);
--> statement-breakpoint
CREATE TABLE "platform_mrr_snapshot_states" (
	"scope" text PRIMARY KEY DEFAULT 'platform' NOT NULL,
	"computed_at" timestamp with time zone NOT NULL,
	"horizon" timestamp with time zone NOT NULL,
	"latest_change_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "platform_mrr_snapshots" (
	"currency" text NOT NULL,
	"unit" text NOT NULL,
	"period_start" timestamp with time zone NOT NULL,
	"period_end" timestamp with time zone NOT NULL,
	"start_mrr" bigint NOT NULL,
	"end_mrr" bigint NOT NULL,
	"new_mrr" bigint NOT NULL,
	"reactivation_mrr" bigint NOT NULL,
	"expansion_mrr" bigint NOT NULL,
	"contraction_mrr" bigint NOT NULL,
	"churn_mrr" bigint NOT NULL,
	"churn_voluntary_mrr" bigint NOT NULL,
	"churn_involuntary_mrr" bigint NOT NULL,
	"paying_at_start" integer NOT NULL,
	"paying_at_end" integer NOT NULL,
	"start_payers_end_mrr" bigint NOT NULL,
	"churned_customers" integer NOT NULL,
	"churned_voluntary" integer NOT NULL,
	"churned_involuntary" integer NOT NULL,
	CONSTRAINT "platform_mrr_snapshots_unit_currency_period_start_pk" PRIMARY KEY("unit","currency","period_start")
);
--> statement-breakpoint
ALTER TABLE "mrr_snapshot_states" ADD CONSTRAINT "mrr_snapshot_states_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mrr_snapshots" ADD CONSTRAINT "mrr_snapshots_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;