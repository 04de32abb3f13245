CREATE TABLE "customer_email_settings" (
	"tenant_id" uuid NOT NULL,
	"template" text NOT NULL,
	"enabled" boolean NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "customer_email_settings_tenant_id_template_pk" PRIMARY KEY("tenant_id","template")
);
--> statement-breakpoint
CREATE TABLE "member_alert_preferences" (
	"tenant_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"template" text NOT NULL,
	"enabled" boolean NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "member_alert_preferences_tenant_id_user_id_template_pk" PRIMARY KEY("tenant_id","user_id","template")
);
--> statement-breakpoint
ALTER TABLE "customer_email_settings" ADD CONSTRAINT "customer_email_settings_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "member_alert_preferences" ADD CONSTRAINT "member_alert_preferences_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "member_alert_preferences" ADD CONSTRAINT "member_alert_preferences_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;