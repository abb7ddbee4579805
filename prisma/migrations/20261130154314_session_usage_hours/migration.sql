-- CreateTable
CREATE TABLE "SessionUsageHour" (
    "sessionId" UUID NOT NULL,
    "hour" TIMESTAMP(3) NOT NULL,
    "inputTokens" BIGINT NOT NULL DEFAULT 0,
    "outputTokens" BIGINT NOT NULL DEFAULT 0,
    "cacheReadTokens" BIGINT NOT NULL DEFAULT 0,
    "cacheWriteTokens" BIGINT NOT NULL DEFAULT 0,
    "reasoningTokens" BIGINT NOT NULL DEFAULT 0,
    "apiCalls" INTEGER NOT NULL DEFAULT 0,
    "unpricedCalls" INTEGER NOT NULL DEFAULT 0,
    "costUsd" DECIMAL(18,9) NOT NULL DEFAULT 0,

    CONSTRAINT "SessionUsageHour_pkey" PRIMARY KEY ("sessionId","hour")
);

-- AddForeignKey
ALTER TABLE "SessionUsageHour" ADD CONSTRAINT "SessionUsageHour_sessionId_fkey" FOREIGN KEY ("sessionId") REFERENCES "Session"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- Backfill: the hours of the events recorded so far (date_trunc of a `timestamp` is UTC here,
-- whatever the server's TimeZone). Later events are added by the worker as it records them.
INSERT INTO "SessionUsageHour" ("sessionId", "hour", "inputTokens", "outputTokens", "cacheReadTokens", "cacheWriteTokens", "reasoningTokens", "apiCalls", "unpricedCalls", "costUsd")
SELECT "sessionId",
       date_trunc('hour', "createdAt"),
       SUM("inputTokens")::bigint,
       SUM("outputTokens")::bigint,
       SUM("cacheReadTokens")::bigint,
       SUM("cacheWriteTokens")::bigint,
       SUM("reasoningTokens")::bigint,
       COUNT(*)::int,
       (COUNT(*) FILTER (WHERE "costUsd" IS NULL))::int,
       COALESCE(SUM("costUsd"), 0)
FROM "UsageEvent"
GROUP BY 1, 2;
