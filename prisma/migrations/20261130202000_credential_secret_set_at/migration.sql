-- AlterTable: when the credential's secret was last set (saved, replaced, refreshed or rotated),
-- for the rotation reminder. Existing rows take their last change as the best known.
ALTER TABLE "Credential" ADD COLUMN     "secretSetAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;
UPDATE "Credential" SET "secretSetAt" = "updatedAt";
