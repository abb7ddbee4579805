-- AlterTable
ALTER TABLE "Credential" ADD COLUMN     "refusedAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "UsageEvent" ADD COLUMN     "costDisagrees" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "reportedCostUsd" DECIMAL(18,9);

