import type { TestApi } from "@agentry/api/testing";
import type { FakeProvider } from "@agentry/fake-provider";
import type { AgentRuntime } from "@agentry/worker";

// Where a warm message's time goes before its first TEXT reaches the client, stage by stage:
// the database's own timestamps of the message (stored, claimed by a worker), the moments the
// worker handed the run to the agent and got its first event (the runtime's run, wrapped), and
// the fake provider's arrival time of the call. All wall-clock ms from the send.

export interface StageSample {
  readonly stored: number;
  readonly claimed: number;
  readonly handedToAgent: number;
  readonly providerCalled: number;
  readonly firstEventFromAgent: number;
}

export interface StageTimes {
  /** Call before sending the message `text`; returns what to call once it is DONE. */
  begin(text: string): () => Promise<StageSample | undefined>;
  restore(): void;
}

export function watchStages(
  api: TestApi,
  fake: FakeProvider,
  runtime: AgentRuntime,
  agentId: string,
): StageTimes {
  let handed: number | undefined;
  let firstEvent: number | undefined;
  const run = runtime.run.bind(runtime);
  const wrapped: AgentRuntime["run"] = (id, input, options) => {
    handed = Date.now();
    const source = run(id, input, options);
    return (async function* () {
      for await (const event of source) {
        firstEvent ??= Date.now();
        yield event;
      }
    })();
  };
  runtime.run = wrapped;
  return {
    begin(text) {
      handed = undefined;
      firstEvent = undefined;
      const sent = Date.now();
      const callsBefore = fake.calls().length;
      return async () => {
        const row = await api.prisma.message.findFirst({
          where: { agentId, text },
          select: { createdAt: true, startedAt: true },
        });
        const call = fake.calls()[callsBefore];
        if (
          row?.startedAt === null ||
          row === null ||
          call === undefined ||
          handed === undefined ||
          firstEvent === undefined
        ) {
          return undefined;
        }
        return {
          stored: row.createdAt.getTime() - sent,
          claimed: row.startedAt.getTime() - sent,
          handedToAgent: handed - sent,
          providerCalled: call.at.getTime() - sent,
          firstEventFromAgent: firstEvent - sent,
        };
      };
    },
    restore() {
      runtime.run = run;
    },
  };
}
