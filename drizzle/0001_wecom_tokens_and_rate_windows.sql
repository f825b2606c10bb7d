CREATE TABLE "wecom_rate_windows" (
	"corp_id" text NOT NULL,
	"api" text NOT NULL,
	"window_start" timestamp with time zone NOT NULL,
	"calls" integer NOT NULL,
	CONSTRAINT "wecom_rate_windows_corp_id_api_window_start_pk" PRIMARY KEY("corp_id","api","window_start")
);
--> statement-breakpoint
CREATE TABLE "wecom_tokens" (
	"corp_id" text NOT NULL,
	"agent_id" text NOT NULL,
	"secret_fingerprint" text NOT NULL,
	"access_token" text,
	"expires_at" timestamp with time zone,
	"fetched_at" timestamp with time zone,
	"failed_errcode" integer,
	"failed_errmsg" text,
	"failed_until" timestamp with time zone,
	CONSTRAINT "wecom_tokens_corp_id_agent_id_pk" PRIMARY KEY("corp_id","agent_id")
);
