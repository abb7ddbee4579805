-- AlterEnum
ALTER TYPE "Provider" ADD VALUE 'GIT';

-- AlterTable
ALTER TABLE "Session" ADD COLUMN     "repoRef" TEXT;

-- AlterTable
ALTER TABLE "Agent" ADD COLUMN     "repoCommit" TEXT;

