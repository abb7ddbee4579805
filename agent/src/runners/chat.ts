import type { AgentEvent, AgentRunInput } from "@agentry/core/protocol";
import { loadConversation, saveConversation, withoutMessage, type Turn } from "../conversation.js";
import { AgentRunError, type PartialCall } from "../errors.js";
import { isChatProvider, PROVIDER_CALLS } from "../providers/index.js";
import { scrub } from "../scrub.js";
import type { AgentRunner, RunContext, RunOutcome } from "./runner.js";

/**
 * The built-in chat agent: appends the message to the conversation, calls the provider through
 * its SDK (one call, structured as a loop over calls so tool-using agents fit), emits text
 * deltas, one usage event per call, and `done` or `error`. Never throws.
 */
export const runChat: AgentRunner = async (
  input: AgentRunInput,
  options: RunContext,
): Promise<RunOutcome> => {
  const secrets = [input.credential.secret];
  const log = (line: string): void => {
    options.log(scrub(line, secrets));
  };
  const fail = (error: AgentRunError): RunOutcome => {
    options.emit({
      type: "error",
      code: error.code,
      ...(error.status === undefined ? {} : { status: error.status }),
      message: scrub(error.message, secrets),
    });
    return "error";
  };
  const usageEvent = (callIndex: number, call: PartialCall): AgentEvent => ({
    type: "usage",
    callIndex,
    provider: input.provider,
    model: call.model,
    ...call.usage,
  });

  try {
    const providerCall =
      options.providerCalls?.[input.provider] ??
      (isChatProvider(input.provider) ? PROVIDER_CALLS[input.provider] : undefined);
    if (!providerCall) {
      return fail(
        new AgentRunError("AGENT_FAILED", `The chat agent does not support ${input.provider}`),
      );
    }

    const conversation = await loadConversation(options.workspace);
    if (conversation.movedAside !== undefined) {
      log(`conversation file was unreadable; moved to ${conversation.movedAside}, starting afresh`);
    }
    const turns: Turn[] = [
      ...withoutMessage(conversation.turns, input.messageId),
      { role: "user", text: input.text, messageId: input.messageId },
    ];

    let stopReason: string | undefined;
    for (let callIndex = 0; ; callIndex++) {
      if (input.maxCalls !== null && callIndex >= input.maxCalls) {
        stopReason = "max_calls";
        break;
      }
      const timeoutMs = options.requestTimeoutMs;
      let result;
      try {
        result = await providerCall({
          model: input.model,
          credential: input.credential,
          baseUrl: baseUrlFor(input),
          turns: turns.filter((turn) => turn.text.length > 0),
          timeoutMs,
          signal: AbortSignal.timeout(timeoutMs),
          onText: (delta) => {
            options.emit({ type: "text", delta });
          },
        });
      } catch (error) {
        const failure =
          error instanceof AgentRunError
            ? error
            : new AgentRunError("AGENT_FAILED", "the provider call failed unexpectedly", {
                cause: error,
              });
        // Tokens the provider counted before failing were spent: report them.
        if (failure.partial) options.emit(usageEvent(callIndex, failure.partial));
        log(`call ${callIndex} failed: ${describe(error)}`);
        return fail(failure);
      }
      options.emit(usageEvent(callIndex, result));
      turns.push({ role: "assistant", text: result.text, messageId: input.messageId });
      stopReason = result.stopReason;
      // The chat agent answers in one call; an agent with tools would continue here while the
      // model asks for tool results.
      break;
    }

    await saveConversation(options.workspace, turns);
    options.emit({ type: "done", ...(stopReason === undefined ? {} : { stopReason }) });
    return "done";
  } catch (error) {
    log(`run failed: ${describe(error)}`);
    const reason = error instanceof Error ? error.message : String(error);
    return fail(new AgentRunError("AGENT_FAILED", `the agent failed: ${reason}`));
  }
};

function baseUrlFor(input: AgentRunInput): string | undefined {
  return input.provider === "GITHUB_COPILOT" ? undefined : input.baseUrls[input.provider];
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? ` (cause: ${error.cause.message})` : "";
  return `${error.name}: ${error.message}${cause}`;
}
