-- AlterTable
ALTER TABLE "Agent" ADD COLUMN     "eventSeqCeiling" INTEGER NOT NULL DEFAULT 0;

