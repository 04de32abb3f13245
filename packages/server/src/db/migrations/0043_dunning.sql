CREATE TABLE "dunning_attempts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"case_id" uuid NOT NULL,
	"number" integer NOT NULL,
	"payment_method" text NOT NULL,
	"retry" integer DEFAULT 0 NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"decline_code" text,
	"advice_code" text,
	"message" text,
	"at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "dunning_cases" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"stripe_invoice_id" text NOT NULL,
	"stripe_customer_id" text NOT NULL,
	"test_clock" text,
	"amount_due" bigint NOT NULL,
	"currency" text NOT NULL,
	"phase" text DEFAULT 'past_due' NOT NULL,
	"outcome" text,
	"decline_code" text,
	"opened_at" timestamp with time zone NOT NULL,
	"scheduled" boolean DEFAULT false NOT NULL,
	"next_attempt_at" timestamp with time zone,
	"attempts_made" integer DEFAULT 0 NOT NULL,
	"interrupted_at" timestamp with time zone,
	"delay_seconds" integer DEFAULT 0 NOT NULL,
	"suspend_at" timestamp with time zone NOT NULL,
	"final_at" timestamp with time zone,
	"skipped_methods" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"closed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "dunning_attempts" ADD CONSTRAINT "dunning_attempts_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dunning_attempts" ADD CONSTRAINT "dunning_attempts_case_id_dunning_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."dunning_cases"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dunning_cases" ADD CONSTRAINT "dunning_cases_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "dunning_attempts_key" ON "dunning_attempts" USING btree ("case_id","number","payment_method","retry");--> statement-breakpoint
CREATE UNIQUE INDEX "dunning_cases_invoice_key" ON "dunning_cases" USING btree ("tenant_id","stripe_invoice_id");--> statement-breakpoint
CREATE UNIQUE INDEX "dunning_cases_open_key" ON "dunning_cases" USING btree ("tenant_id") WHERE "dunning_cases"."phase" <> 'closed';--> statement-breakpoint
CREATE INDEX "dunning_cases_due_idx" ON "dunning_cases" USING btree ("phase","next_attempt_at");