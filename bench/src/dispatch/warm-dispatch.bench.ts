import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import Docker from "dockerode";
import type { Cleanups } from "../lib/cleanup.js";
import { createSession, spawnChatAgent } from "../lib/gql.js";
import { formatMs, type SectionReport } from "../lib/report.js";
import { ratio, summarize, type Summary } from "../lib/stats.js";
import { watchAgentMessages, type MessageSample } from "./agent-messages.js";
import { startBenchSystem } from "./bench-system.js";
import { watchStages, type StageSample } from "./stage-times.js";
import {
  AGENT_SCRIPT,
  bareExec,
  channelRoundTrips,
  engineAnswers,
  noEngineSection,
  providerCall,
  type ExecTiming,
} from "./dispatch-baselines.js";

// A message to a warm agent (its container exists), the whole way: sendMessage over HTTP →
// BullMQ → the worker (resolve and decrypt the key, hand the run to the agent resident in its
// container over the channel the worker holds) → the fake provider's stream → TEXT events →
// Redis → graphql-ws → the client; and on to DONE. Baselines in the same run: the channel's own
// round trip to the same container's host, the fake provider's own streaming call made directly
// with fetch, and for reference a bare `docker exec` into the container and one of the agent
// program (what every message paid when each ran as an exec).

export interface DispatchSettings {
  /** Measured messages, after the cold one and `warmup` more. */
  readonly messages: number;
  readonly warmup: number;
  readonly baselineIterations: number;
  /** A person's pause between one reply and the next message. */
  readonly pauseMs: number;
}

const MESSAGE_TIMEOUT_MS = 60_000;
const MODEL = "claude-haiku-4-5";

export async function benchWarmDispatch(
  cleanups: Cleanups,
  settings: DispatchSettings,
): Promise<SectionReport> {
  const title = "3. Warm message dispatch: sendMessage → first TEXT / DONE on agentEvents";
  const docker = new Docker();
  if (!(await engineAnswers(docker))) return noEngineSection("warmDispatch", title);
  const system = await startBenchSystem(cleanups);
  try {
    const { api, fake } = system;
    const apiKey = `sk-ant-api03-${randomBytes(24).toString("base64url")}`;
    fake.addKey(apiKey);
    const user = await api.signUp();
    const sessionId = await createSession(
      api,
      user.token,
      { provider: "ANTHROPIC", secret: apiKey },
      "bench: warm dispatch",
    );
    const agentId = await spawnChatAgent(api, user.token, sessionId, MODEL);

    const messages = await watchAgentMessages(api, user.token, agentId);
    const measure = (text: string) => messages.measure(text, MESSAGE_TIMEOUT_MS);

    let cold: MessageSample;
    try {
      cold = await measure("the first message creates the container");
      for (let index = 0; index < settings.warmup; index += 1) {
        await sleep(settings.pauseMs);
        await measure(`warm-up message ${index}`);
      }
    } catch (error) {
      console.error(system.workerLogTail().join("\n"));
      throw error;
    }
    const samples: MessageSample[] = [];
    const stages = watchStages(api, fake, system.worker.runtime, agentId);
    const stageSamples: StageSample[] = [];
    try {
      for (let index = 0; index < settings.messages; index += 1) {
        await sleep(settings.pauseMs);
        const text = `bench message ${index}`;
        const end = stages.begin(text);
        samples.push(await measure(text));
        const stage = await end();
        if (stage !== undefined) stageSamples.push(stage);
      }
    } finally {
      stages.restore();
    }

    // Baselines, with the agent idle.
    const inspection = await system.worker.runtime.inspect(agentId);
    if (inspection.handle === undefined || inspection.state !== "running") {
      throw new Error("the agent's container is not running for the exec baseline");
    }
    const container = docker.getContainer(inspection.handle);
    const execSamples = async (command: readonly string[], exitCode: number) => {
      const samples: ExecTiming[] = [];
      for (let index = 0; index < settings.baselineIterations + 3; index += 1) {
        const timing = await bareExec(container, command, exitCode);
        if (index >= 3) samples.push(timing);
      }
      return samples;
    };
    const channelMs = await channelRoundTrips(docker, container, settings.baselineIterations);
    const execMs = (await execSamples(["node", "-e", ""], 0)).map((t) => t.endMs);
    // Without input the agent loads its bundle, prints an error event and exits 2: no run. Its
    // first output is where a real run would start calling the provider.
    const agentLoadMs = (await execSamples(["node", AGENT_SCRIPT], 2)).map((t) => t.firstOutputMs);
    const providerFirst: number[] = [];
    const providerDone: number[] = [];
    for (let index = 0; index < settings.baselineIterations + 3; index += 1) {
      const call = await providerCall(
        fake.baseUrls.anthropic,
        apiKey,
        MODEL,
        `bench message ${index}`,
      );
      if (index >= 3) {
        providerFirst.push(call.firstTextMs);
        providerDone.push(call.doneMs);
      }
    }
    fake.clearCalls();
    await messages.close();

    const figures = {
      mutation: summarize(samples.map((s) => s.mutationMs)),
      firstText: summarize(samples.map((s) => s.firstTextMs)),
      done: summarize(samples.map((s) => s.doneMs)),
      returnedToFirstText: summarize(samples.map((s) => s.returnedToFirstTextMs)),
      coldDone: summarize([cold.doneMs]),
      channel: summarize(channelMs),
      exec: summarize(execMs),
      agentLoad: summarize(agentLoadMs),
      providerFirstText: summarize(providerFirst),
      providerDone: summarize(providerDone),
    };
    // Each stage's own share, from consecutive moments of the same message.
    const stage = (pick: (sample: StageSample) => number) => summarize(stageSamples.map(pick));
    const stageRows = [
      ["of which: send → stored (auth, access, budget, insert)", stage((x) => x.stored)],
      [
        "of which: stored → claimed by the worker (enqueue, pickup, run slot)",
        stage((x) => x.claimed - x.stored),
      ],
      [
        "of which: claimed → run handed to the agent (message, key, status, environment)",
        stage((x) => x.handedToAgent - x.claimed),
      ],
      [
        "of which: handed → provider called (channel, agent's conversation)",
        stage((x) => x.providerCalled - x.handedToAgent),
      ],
      [
        "of which: provider called → agent's first event",
        stage((x) => x.firstEventFromAgent - x.providerCalled),
      ],
    ] as const;
    const row = (label: string, summary: Summary) => [
      label,
      String(summary.count),
      formatMs(summary.p50),
      formatMs(summary.p95),
      formatMs(summary.mean),
      formatMs(summary.max),
    ];
    const floorFirst = figures.channel.p50 + figures.providerFirstText.p50;
    const floorDone = figures.channel.p50 + figures.providerDone.p50;
    return {
      id: "warmDispatch",
      title,
      columns: ["what", "n", "p50 ms", "p95 ms", "mean ms", "max ms"],
      rows: [
        row("sendMessage mutation round trip", figures.mutation),
        row("sendMessage → first TEXT received", figures.firstText),
        row("sendMessage → DONE received", figures.done),
        row("mutation returned → first TEXT", figures.returnedToFirstText),
        ...stageRows.map(([label, summary]) => row(label, summary)),
        row("cold: first message → DONE (creates the container)", figures.coldDone),
        row("baseline: channel round trip to the agent's host (same container)", figures.channel),
        row('reference: warm docker exec node -e "" (same container)', figures.exec),
        row("reference: docker exec of the agent → its first output", figures.agentLoad),
        row("baseline: fake provider stream, first text (fetch)", figures.providerFirstText),
        row("baseline: fake provider stream, complete (fetch)", figures.providerDone),
      ],
      ratios: [
        {
          label: "first TEXT p50 / (channel round trip + provider first text) p50",
          value: ratio(figures.firstText.p50, floorFirst),
        },
        {
          label: "first TEXT p95 / (channel round trip + provider first text) p95",
          value: ratio(figures.firstText.p95, figures.channel.p95 + figures.providerFirstText.p95),
        },
        {
          label: "DONE p50 / (channel round trip + provider stream) p50",
          value: ratio(figures.done.p50, floorDone),
        },
        {
          label: "first TEXT p50 / docker exec p50 (below 1: faster than an exec alone)",
          value: ratio(figures.firstText.p50, figures.exec.p50),
        },
        {
          label: "first TEXT p50 / docker exec of the agent → first output p50",
          value: ratio(figures.firstText.p50, figures.agentLoad.p50),
        },
      ],
      notes: [
        `${settings.messages} messages to one warm CHAT agent (${MODEL}, fake provider, Docker runtime), one at a time, ${settings.pauseMs} ms apart, after the cold one and ${settings.warmup} warm-up`,
        "the floor (channel round trip + provider) is what handing a message to a resident agent and streaming one call pays; the rest is the mutation, queueing, the run slot, key resolution, the agent's own work (conversation, journal), event publishing and delivery",
        `targets: first TEXT p50 ≤ 40 ms (${formatMs(figures.firstText.p50)}), p95 ≤ 80 ms (${formatMs(figures.firstText.p95)})`,
      ],
      data: { settings, figures, stages: Object.fromEntries(stageRows) },
    };
  } finally {
    await system.close();
  }
}
