-- AlterEnum
ALTER TYPE "ActionKind" ADD VALUE 'SHARE_EMAIL';
