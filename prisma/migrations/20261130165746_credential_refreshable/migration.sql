-- AlterTable
ALTER TABLE "Credential" ADD COLUMN     "refreshable" BOOLEAN NOT NULL DEFAULT false;

