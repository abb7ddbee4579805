import {
  AppError,
  RUN_LOG_LENGTH,
  runLogOutcomes,
  type AgentRunLogEntry,
  type RunLogOutcome,
} from "@agentry/core";
import {
  Arg,
  Ctx,
  Field,
  FieldResolver,
  ID,
  Int,
  ObjectType,
  registerEnumType,
  Resolver,
  Root,
} from "type-graphql";
import { requireViewer, type RequestContext } from "../graphql/context.js";
import { listComplexity } from "../graphql/complexity.js";
import { DateTimeScalar } from "../graphql/scalars.js";
import type { SessionAccessService } from "../sessions/session-access.service.js";
import type { AgentRecord } from "./agent.service.js";
import { AgentType } from "./agent.types.js";

// An agent's recent runs (the worker's AgentRunLog in Redis), where a user looks when a run
// failed: how it ended and what the agent program printed, its secrets already taken out.

/** Reads an agent's run log (core's AgentRunLog). */
export interface AgentRunLogReader {
  recent(agentId: string, last: number): Promise<AgentRunLogEntry[]>;
}

export const RunOutcome = Object.fromEntries(runLogOutcomes.map((o) => [o, o])) as {
  readonly [O in RunLogOutcome]: O;
};

registerEnumType(RunOutcome, {
  name: "RunOutcome",
  description: "How one run of an agent ended.",
  valuesConfig: {
    DONE: { description: "The agent finished; its reply is the message's answer." },
    FAILED: { description: "The message failed; errorCode and errorMessage say why." },
    CANCELLED: { description: "Stopped by cancelMessage." },
    RETRIED: {
      description: "Rate limited (or the sign-in service did not answer): it runs again later.",
    },
  },
});

@ObjectType("AgentRunLog", {
  description:
    "One run of an agent (one message, one attempt): how it ended and the tail of what the agent program printed. Secrets are removed before it is stored.",
})
export class AgentRunLogType {
  @Field(() => ID, { description: "The message the run was for." })
  messageId!: string;

  @Field(() => DateTimeScalar, { description: "When the worker took the message up." })
  startedAt!: Date;

  @Field(() => DateTimeScalar, { description: "When the message settled." })
  endedAt!: Date;

  @Field(() => Int, { description: "endedAt − startedAt in milliseconds." })
  durationMs!: number;

  @Field(() => RunOutcome, { description: "How it ended." })
  outcome!: RunLogOutcome;

  @Field(() => String, {
    nullable: true,
    description: "The error code when it failed (or was retried), e.g. AUTHENTICATION_FAILED.",
  })
  errorCode!: string | null;

  @Field(() => String, { nullable: true, description: "Why it failed, for people." })
  errorMessage!: string | null;

  @Field(() => Int, { description: "Provider calls the run made." })
  calls!: number;

  @Field(() => String, {
    description:
      "The last 8 KB the agent program printed to stderr (the CLI's own output for CLI agents); every secret is replaced by [redacted].",
  })
  output!: string;
}

/** A run as AgentRunLog shows it. */
export interface AgentRunLogRecord extends Omit<AgentRunLogEntry, "startedAt" | "endedAt"> {
  readonly startedAt: Date;
  readonly endedAt: Date;
  readonly durationMs: number;
}

const toRunLog = (entry: AgentRunLogEntry): AgentRunLogRecord => {
  const startedAt = new Date(entry.startedAt);
  const endedAt = new Date(entry.endedAt);
  return {
    ...entry,
    startedAt,
    endedAt,
    durationMs: Math.max(0, endedAt.getTime() - startedAt.getTime()),
  };
};

@Resolver(() => AgentType)
export class AgentLogsResolver {
  constructor(
    private readonly runLogs: AgentRunLogReader,
    private readonly access: SessionAccessService,
  ) {}

  @FieldResolver(() => [AgentRunLogType], {
    description: `Its recent runs, newest first (the last ${RUN_LOG_LENGTH} are kept): outcome, error, duration, provider calls and the agent program's output with secrets removed. Where to look when a run failed.`,
    complexity: listComplexity((args) =>
      typeof args["last"] === "number" ? args["last"] : RUN_LOG_LENGTH,
    ),
  })
  async logs(
    @Ctx() ctx: RequestContext,
    @Root() agent: AgentRecord,
    @Arg("last", () => Int, {
      defaultValue: RUN_LOG_LENGTH,
      description: `Only the last this many (1 to ${RUN_LOG_LENGTH}).`,
    })
    last: number,
  ): Promise<AgentRunLogRecord[]> {
    if (last < 1 || last > RUN_LOG_LENGTH) {
      throw new AppError("BAD_USER_INPUT", `last must be between 1 and ${RUN_LOG_LENGTH}`, {
        field: "last",
      });
    }
    // Only reachable through an agent the viewer may see; checked again all the same.
    await this.access.requireAgent(requireViewer(ctx).userId, agent.id, "read");
    return (await this.runLogs.recent(agent.id, last)).map(toRunLog);
  }
}
