import type { SeqReservations } from "@agentry/core";
import type { PrismaClient } from "@agentry/prisma";

/**
 * Agents' event sequence numbers, reserved in blocks on the agent's row (see AgentEventLog): one
 * UPDATE per block of events, and a Redis that lost its counter starts above the last block.
 */
export function createSeqReservations(prisma: PrismaClient): SeqReservations {
  return {
    async reserve(agentId, atLeast, block) {
      const rows = await prisma.$queryRaw<{ eventSeqCeiling: number }[]>`
        UPDATE "Agent" SET "eventSeqCeiling" = GREATEST("eventSeqCeiling", ${atLeast}) + ${block}
        WHERE id = ${agentId}::uuid
        RETURNING "eventSeqCeiling"`;
      // An agent deleted meanwhile: nobody can subscribe to its events any more.
      return rows[0]?.eventSeqCeiling ?? atLeast + block;
    },
  };
}
