-- AlterEnum
ALTER TYPE "MessageStatus" ADD VALUE 'CANCELLED';

