-- AlterTable
ALTER TABLE "User" ADD COLUMN     "monthlyBudgetUsd" DECIMAL(14,6);

-- CreateTable
CREATE TABLE "UserUsageMonth" (
    "userId" UUID NOT NULL,
    "month" TIMESTAMP(3) NOT NULL,
    "apiCalls" INTEGER NOT NULL DEFAULT 0,
    "unpricedCalls" INTEGER NOT NULL DEFAULT 0,
    "costUsd" DECIMAL(18,9) NOT NULL DEFAULT 0,

    CONSTRAINT "UserUsageMonth_pkey" PRIMARY KEY ("userId","month")
);

-- AddForeignKey
ALTER TABLE "UserUsageMonth" ADD CONSTRAINT "UserUsageMonth_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

