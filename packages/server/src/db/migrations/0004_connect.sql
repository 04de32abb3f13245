CREATE TABLE "connect_accounts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"stripe_account_id" text NOT NULL,
	"kind" text NOT NULL,
	"source" text NOT NULL,
	"livemode" boolean DEFAULT false NOT NULL,
	"charges_enabled" boolean DEFAULT false NOT NULL,
	"payouts_enabled" boolean DEFAULT false NOT NULL,
	"details_submitted" boolean DEFAULT false NOT NULL,
	"requirements" jsonb,
	"capabilities" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"onboarding_returned_at" timestamp with time zone,
	"link_token_hash" text,
	"link_token_expires_at" timestamp with time zone,
	"link_return_to" text,
	"connected_at" timestamp with time zone DEFAULT now() NOT NULL,
	"disconnected_at" timestamp with time zone,
	"disconnect_reason" text,
	"last_synced_at" timestamp with time zone,
	"last_event_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "connect_oauth_states" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"state_hash" text NOT NULL,
	"caller_kind" text NOT NULL,
	"caller_id" text,
	"return_to" text DEFAULT 'platform' NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "connect_accounts" ADD CONSTRAINT "connect_accounts_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "connect_oauth_states" ADD CONSTRAINT "connect_oauth_states_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "connect_accounts_current_key" ON "connect_accounts" USING btree ("tenant_id") WHERE disconnected_at IS NULL;--> statement-breakpoint
CREATE INDEX "connect_accounts_tenant_idx" ON "connect_accounts" USING btree ("tenant_id","connected_at");--> statement-breakpoint
CREATE INDEX "connect_accounts_stripe_account_idx" ON "connect_accounts" USING btree ("stripe_account_id");--> statement-breakpoint
CREATE UNIQUE INDEX "connect_accounts_link_token_key" ON "connect_accounts" USING btree ("link_token_hash") WHERE link_token_hash IS NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "connect_oauth_states_hash_key" ON "connect_oauth_states" USING btree ("state_hash");