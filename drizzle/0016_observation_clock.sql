-- Unlogged: a counter of times handed out, rebuilt from the clock after a crash (src/db/schema/directory.ts).
CREATE UNLOGGED TABLE "observation_clock" (
	"id" integer PRIMARY KEY NOT NULL,
	"last" timestamp with time zone NOT NULL
);
