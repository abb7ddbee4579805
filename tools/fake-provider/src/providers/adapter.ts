import type { IncomingHttpHeaders, ServerResponse } from "node:http";
import type {
  AuthScheme,
  FakeApi,
  FakeCallProvider,
  FakeProviderName,
  FakeUsage,
  ScriptedToolCall,
} from "../types.js";

/** An error answer in a provider's own shape. */
export interface ErrorReply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** Why the fake answers with an error (besides authentication, which each adapter checks). */
export type ErrorCause =
  | { kind: "status"; status: number; model: string | null }
  | { kind: "invalid-json" }
  | { kind: "too-large" }
  | { kind: "invalid-request"; message: string };

export interface Credential {
  key: string | null;
  auth: AuthScheme;
}

/** What every adapter reads out of a request body. */
export interface ParsedRequest {
  model: string;
  stream: boolean;
  /** Text of the last user message. */
  prompt: string;
  /** Words in every text of the request. */
  promptWords: number;
  /** Everything before the last message, as a cache key. */
  prefix: string;
  /** Anthropic: something is marked with `cache_control`. */
  cacheControl: boolean;
  /** Anthropic: the request turns extended thinking on. */
  thinking: boolean;
}

/** The answer the server decided on; the adapter puts it in the wire format. */
export interface ReplyPlan {
  text: string;
  chunks: readonly string[];
  usage: FakeUsage;
  /** Scripted: answer with this function call instead of the text (OpenAI Responses). */
  toolCall?: ScriptedToolCall;
  /** Top-level fields added to the final answer (Copilot's `copilot_usage`). */
  extra?: Readonly<Record<string, unknown>>;
}

/** Where an adapter writes its answer. */
export interface ReplyChannel {
  res: ServerResponse;
  /**
   * Call before writing chunk `index` (or with 0 before a non-streamed answer): waits for the
   * slow mode and any hold; false when the client left or the server is closing, so stop.
   */
  pace(index: number): Promise<boolean>;
}

export interface RequestContext {
  url: URL;
  headers: IncomingHttpHeaders;
}

export interface ProviderAdapter<P extends ParsedRequest = ParsedRequest> {
  /** Whose wire format it speaks (and whose usage rules apply). */
  readonly provider: FakeProviderName;
  /** Recorded (and matched by scripts and holds) as this provider instead (GitHub Copilot). */
  readonly recordAs?: FakeCallProvider;
  readonly api: FakeApi;
  credential(context: RequestContext): Credential;
  /** `null` when the credential is accepted. */
  checkAuth(
    credential: Credential,
    isKnown: (key: string) => boolean,
    context: RequestContext,
  ): ErrorReply | null;
  /** The model and streaming mode known from the URL alone (Gemini), for calls that fail early. */
  fromUrl?(url: URL): { model: string; stream: boolean };
  parse(body: unknown, context: RequestContext): P | ErrorReply;
  error(cause: ErrorCause): ErrorReply;
  /** The reply text when no script gives one; defaults to echoing the prompt. */
  defaultText?(parsed: P): string | undefined;
  reply(plan: ReplyPlan, parsed: P, channel: ReplyChannel): Promise<void>;
}

export const isErrorReply = (value: ParsedRequest | ErrorReply): value is ErrorReply =>
  "status" in value && "body" in value;
