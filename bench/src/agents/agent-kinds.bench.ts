import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import Docker from "dockerode";
import type { Cleanups } from "../lib/cleanup.js";
import { createSession } from "../lib/gql.js";
import { formatMs, formatRatio, type Ratio, type SectionReport } from "../lib/report.js";
import { ratio, summarize, type Summary } from "../lib/stats.js";
import { watchAgentMessages, type MessageSample } from "../dispatch/agent-messages.js";
import { startBenchSystem, type BenchSystem } from "../dispatch/bench-system.js";
import { engineAnswers, noEngineSection } from "../dispatch/dispatch-baselines.js";
import { agentImageFacts, formatBytes, type AgentImageFacts } from "./agent-image-facts.js";

// Each agent kind the whole way, as a user runs it: the api, the worker with the Docker runtime
// and the real agent image (the five CLIs in it), the fake provider. Per kind, one agent with a
// session key: a cold message (creates its container), then warm ones, each timed from
// sendMessage to its first TEXT and its DONE on agentEvents. CHAT, the built-in agent that
// calls the provider itself, is the baseline: a CLI kind's warm figures over CHAT's are what
// starting that CLI per message costs.

export interface AgentsSettings {
  /** Warm messages per kind, after the cold one. */
  readonly warmMessages: number;
  /** A person's pause between one reply and the next message. */
  readonly pauseMs: number;
}

// A CLI's first message in a fresh container can take long on a loaded machine.
const MESSAGE_TIMEOUT_MS = 180_000;

const random = (bytes = 24): string => randomBytes(bytes).toString("base64url");
const anthropicKey = (): string => `sk-ant-api03-${random()}`;

interface KindSpec {
  readonly kind: "CHAT" | "CLAUDE_CODE" | "CODEX" | "GEMINI_CLI" | "COPILOT" | "OPENCODE";
  readonly provider: "ANTHROPIC" | "OPENAI" | "GEMINI" | "GITHUB_COPILOT";
  readonly model: string;
  /** A session key of the shape the kind takes (the fake accepts it once added). */
  readonly sessionKey: () => string;
}

// As e2e/test/agents/agent-clis.test.ts runs them; CHAT first, the baseline.
const KINDS: readonly KindSpec[] = [
  { kind: "CHAT", provider: "ANTHROPIC", model: "claude-haiku-4-5", sessionKey: anthropicKey },
  {
    kind: "CLAUDE_CODE",
    provider: "ANTHROPIC",
    model: "claude-haiku-4-5",
    sessionKey: anthropicKey,
  },
  {
    kind: "CODEX",
    provider: "OPENAI",
    model: "gpt-5.4-mini",
    sessionKey: () => `sk-proj-${random(40)}`,
  },
  {
    kind: "GEMINI_CLI",
    provider: "GEMINI",
    model: "gemini-2.5-flash",
    sessionKey: () => `AIzaSy${random(26)}`,
  },
  {
    kind: "COPILOT",
    provider: "GITHUB_COPILOT",
    model: "gpt-5-mini",
    sessionKey: () => `github_pat_${random(30).replaceAll("-", "_")}`,
  },
  { kind: "OPENCODE", provider: "ANTHROPIC", model: "claude-haiku-4-5", sessionKey: anthropicKey },
];

interface KindResult {
  readonly spec: KindSpec;
  readonly cold?: MessageSample;
  readonly warm: readonly MessageSample[];
  /** Why the kind did not finish (its figures so far are kept). */
  readonly failure?: string;
}

async function benchKind(
  system: BenchSystem,
  token: string,
  spec: KindSpec,
  settings: AgentsSettings,
  onContainer: (agentId: string) => Promise<void>,
): Promise<KindResult> {
  const { api, fake, worker } = system;
  const secret = spec.sessionKey();
  fake.addKey(secret);
  const sessionId = await createSession(
    api,
    token,
    { provider: spec.provider, secret },
    `bench: ${spec.kind}`,
  );
  const spawned = await api.ok<{ spawnAgent: { id: string } }>(
    `mutation ($sessionId: ID!, $kind: AgentKind!, $model: String, $provider: Provider) { spawnAgent(sessionId: $sessionId, kind: $kind, model: $model, provider: $provider) { id } }`,
    { sessionId, kind: spec.kind, model: spec.model, provider: spec.provider },
    token,
  );
  const agentId = spawned.spawnAgent.id;
  const messages = await watchAgentMessages(api, token, agentId);
  let cold: MessageSample | undefined;
  const warm: MessageSample[] = [];
  try {
    cold = await messages.measure(
      `${spec.kind}: the first message creates the container`,
      MESSAGE_TIMEOUT_MS,
    );
    await onContainer(agentId);
    for (let index = 0; index < settings.warmMessages; index += 1) {
      await sleep(settings.pauseMs);
      warm.push(await messages.measure(`${spec.kind}: warm message ${index}`, MESSAGE_TIMEOUT_MS));
    }
    return { spec, cold, warm };
  } catch (error) {
    console.error(`${spec.kind} failed; the worker's last lines:`);
    console.error(system.workerLogTail().join("\n"));
    const failure = error instanceof Error ? error.message : String(error);
    return { spec, ...(cold === undefined ? {} : { cold }), warm, failure };
  } finally {
    await messages.close();
    // One container at a time: the next kind does not share the machine with this one's.
    await worker.runtime.remove(agentId);
  }
}

export async function benchAgentKinds(
  cleanups: Cleanups,
  settings: AgentsSettings,
): Promise<SectionReport> {
  const title =
    "4. Agent kinds: sendMessage → first TEXT / DONE per kind (Docker, real agent image)";
  const docker = new Docker();
  if (!(await engineAnswers(docker))) return noEngineSection("agentKinds", title);
  const system = await startBenchSystem(cleanups);
  try {
    const user = await system.api.signUp();
    let image: AgentImageFacts | undefined;
    const results: KindResult[] = [];
    for (const spec of KINDS) {
      console.error(`  ${spec.kind}…`);
      results.push(
        await benchKind(system, user.token, spec, settings, async (agentId) => {
          if (image !== undefined) return;
          const inspection = await system.worker.runtime.inspect(agentId);
          if (inspection.handle !== undefined)
            image = await agentImageFacts(docker, inspection.handle);
        }),
      );
    }
    system.fake.clearCalls();
    return report(title, settings, results, system, image);
  } finally {
    await system.close();
  }
}

interface KindFigures {
  readonly kind: string;
  readonly model: string;
  readonly coldFirstTextMs: number;
  readonly coldDoneMs: number;
  readonly warmFirstText: Summary;
  readonly warmDone: Summary;
  readonly failure: string | undefined;
}

function report(
  title: string,
  settings: AgentsSettings,
  results: readonly KindResult[],
  system: BenchSystem,
  image: AgentImageFacts | undefined,
): SectionReport {
  const figures: KindFigures[] = results.map((result) => ({
    kind: result.spec.kind,
    model: result.spec.model,
    coldFirstTextMs: result.cold?.firstTextMs ?? Number.NaN,
    coldDoneMs: result.cold?.doneMs ?? Number.NaN,
    warmFirstText: summarize(result.warm.map((s) => s.firstTextMs)),
    warmDone: summarize(result.warm.map((s) => s.doneMs)),
    failure: result.failure,
  }));
  const chat = figures.find((f) => f.kind === "CHAT");
  const overChat = (f: KindFigures) => ({
    firstText: ratio(f.warmFirstText.p50, chat?.warmFirstText.p50 ?? Number.NaN),
    done: ratio(f.warmDone.p50, chat?.warmDone.p50 ?? Number.NaN),
  });
  const rows = figures.map((f) => [
    f.failure === undefined ? f.kind : `${f.kind} (failed)`,
    f.model,
    formatMs(f.coldFirstTextMs),
    formatMs(f.coldDoneMs),
    String(f.warmDone.count),
    formatMs(f.warmFirstText.p50),
    formatMs(f.warmFirstText.p95),
    formatMs(f.warmDone.p50),
    formatMs(f.warmDone.p95),
    formatRatio(overChat(f).firstText),
    formatRatio(overChat(f).done),
  ]);
  const ratios: Ratio[] = figures
    .filter((f) => f.kind !== "CHAT")
    .flatMap((f) => [
      { label: `${f.kind} warm first TEXT p50 / CHAT's`, value: overChat(f).firstText },
      { label: `${f.kind} warm DONE p50 / CHAT's`, value: overChat(f).done },
    ]);
  const imageNote =
    image === undefined
      ? "agent image: not inspected (no container came up)"
      : `agent image ${image.tag}: ${formatBytes(image.totalBytes)} in total, of which the CLIs layer ${formatBytes(image.clisLayerBytes)}`;
  return {
    id: "agentKinds",
    title,
    columns: [
      "kind",
      "model",
      "cold 1st TEXT",
      "cold DONE",
      "warm n",
      "1st TEXT p50",
      "1st TEXT p95",
      "DONE p50",
      "DONE p95",
      "1st TEXT ×CHAT",
      "DONE ×CHAT",
    ],
    rows,
    ratios,
    notes: [
      `per kind: one agent with a session key, one cold message (creates its container), then ${settings.warmMessages} warm ones, one at a time, ${settings.pauseMs} ms apart; fake provider, Docker runtime; all figures in ms from sendMessage`,
      "×CHAT: the kind's warm p50 over CHAT's warm p50 in this run (CHAT calls the provider from the agent program itself; a CLI kind also starts its CLI per message)",
      imageNote,
      `ensureAgentImage took ${formatMs(system.image.ms)} ms in this run (${system.image.built ? "built a layer" : "every layer cached"}; includes the CLIs' install check)`,
      ...figures
        .filter((f) => f.failure !== undefined)
        .map((f) => `${f.kind} failed: ${f.failure ?? ""}`),
    ],
    data: { settings, figures, image, ensureAgentImage: system.image },
  };
}
