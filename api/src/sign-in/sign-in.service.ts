import { randomBytes, randomUUID } from "node:crypto";
import {
  AppError,
  anthropicAuthorizeUrl,
  blankSignInFlow,
  CODE_SIGN_IN_TTL_MS,
  COMPLETE_CODE_SIGN_IN,
  createPkce,
  DEVICE_SIGN_IN_START_TTL_MS,
  MAX_PASTED_CODE_LENGTH,
  sealedToJson,
  signInSecretIdentity,
  signInStatus,
  START_DEVICE_SIGN_IN,
  type AgentKind,
  type CredentialCheckKind,
  type Provider,
  type SealingVault,
  type SignInFlow,
  type SignInStore,
} from "@agentry/core";
import type { PrismaClient } from "@agentry/prisma";
import { credentialInfoSelect, type CredentialRecord } from "../credentials/credential.service.js";
import type { SessionAccessService } from "../sessions/session-access.service.js";
import type { CodeSignInView, DeviceSignInView, SignInView } from "./sign-in.types.js";

// Sign-in flows the platform runs for a user (issue 8). The api keeps each flow's state in Redis
// (SignInStore), bound to the user, and seals what is secret in it (the PKCE verifier, a pasted
// code); the worker, which alone opens them, talks to the authorization server through the
// credential-checks queue: it starts the device flow (the device code never reaches the api),
// polls it, and exchanges a pasted code. Tokens are stored only on success, by the worker, as
// the user's (or their session's) subscription credential.

/** How the api asks the worker for a credential check and awaits its answer. */
export interface CheckRequester {
  request<Data, Result>(kind: CredentialCheckKind<Data, Result>, data: Data): Promise<Result>;
}

export interface SignInConfig {
  /** ANTHROPIC_OAUTH_AUTHORIZE_URL. */
  readonly anthropicAuthorizeUrl: string;
}

export interface StartSignInInput {
  readonly provider: Provider;
  readonly agentKind: AgentKind;
  readonly sessionId: string | null;
}

const badInput = (message: string, details: Record<string, unknown>): AppError =>
  new AppError("BAD_USER_INPUT", message, details);

const notFound = (): AppError => new AppError("NOT_FOUND", "No such sign-in", { field: "id" });

/** A pasted code: printable ASCII, no spaces (`code#state` as the callback page shows it). */
const PASTED_CODE = /^[\x21-\x7e]+$/;

export class SignInService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly vault: SealingVault,
    private readonly flows: SignInStore,
    private readonly access: SessionAccessService,
    private readonly checks: CheckRequester,
    private readonly config: SignInConfig,
  ) {}

  /** Starts OpenAI's device-code sign-in for a Codex or OpenCode subscription. */
  async startDevice(userId: string, input: StartSignInInput): Promise<DeviceSignInView> {
    if (input.provider !== "OPENAI") {
      throw badInput("The device-code sign-in is OpenAI's; use provider OPENAI", {
        field: "provider",
      });
    }
    if (input.agentKind !== "CODEX" && input.agentKind !== "OPENCODE") {
      throw badInput("A ChatGPT sign-in is for CODEX or OPENCODE", { field: "agentKind" });
    }
    if (input.sessionId !== null) await this.access.require(userId, input.sessionId, "manage");
    const now = Date.now();
    const flow: SignInFlow = {
      ...blankSignInFlow,
      id: randomUUID(),
      type: "device",
      userId,
      sessionId: input.sessionId,
      provider: "OPENAI",
      agentKind: input.agentKind,
      phase: "STARTING",
      createdAt: now,
      // Until the worker has the device code's own lifetime.
      expiresAt: now + DEVICE_SIGN_IN_START_TTL_MS,
    };
    await this.flows.create(flow, now);
    let started;
    try {
      started = await this.checks.request(START_DEVICE_SIGN_IN, { flowId: flow.id });
    } catch (error) {
      // Never started: it must not count against the user's pending sign-ins.
      await this.flows.remove(flow);
      throw error;
    }
    return {
      ...viewOf(flow),
      status: "PENDING",
      expiresAt: new Date(started.expiresAt),
      verificationUri: started.verificationUri,
      verificationUriComplete: started.verificationUriComplete,
      userCode: started.userCode,
      intervalSeconds: started.intervalSeconds,
    };
  }

  /** Starts Anthropic's code sign-in for a Claude Code subscription: the URL to open. */
  async startCode(userId: string, input: StartSignInInput): Promise<CodeSignInView> {
    if (input.provider !== "ANTHROPIC") {
      throw badInput("The code sign-in is Anthropic's; use provider ANTHROPIC", {
        field: "provider",
      });
    }
    if (input.agentKind !== "CLAUDE_CODE") {
      throw badInput("A Claude sign-in is for CLAUDE_CODE", { field: "agentKind" });
    }
    if (input.sessionId !== null) await this.access.require(userId, input.sessionId, "manage");
    const now = Date.now();
    const pkce = createPkce();
    const state = randomBytes(32).toString("base64url");
    const authorizeUrl = anthropicAuthorizeUrl(this.config.anthropicAuthorizeUrl, {
      state,
      challenge: pkce.challenge,
    });
    const base = {
      ...blankSignInFlow,
      id: randomUUID(),
      type: "code",
      userId,
      sessionId: input.sessionId,
      provider: "ANTHROPIC",
      agentKind: "CLAUDE_CODE",
      phase: "PENDING",
      createdAt: now,
      expiresAt: now + CODE_SIGN_IN_TTL_MS,
      oauthState: state,
      authorizeUrl,
    } as const satisfies SignInFlow;
    const flow: SignInFlow = {
      ...base,
      verifier: sealedToJson(
        this.vault.seal(signInSecretIdentity(base, "verifier"), pkce.verifier),
      ),
    };
    await this.flows.create(flow, now);
    return { ...viewOf(flow), authorizeUrl };
  }

  /**
   * Completes a code sign-in with what the callback page showed (`code#state`, or the bare
   * code): the worker exchanges it and stores the credential, returned here. Single use: a flow
   * that has completed (or is completing) refuses another code, and nothing is stored.
   */
  async completeCode(userId: string, flowId: string, pasted: string): Promise<CredentialRecord> {
    const text = pasted.trim();
    if (text === "" || text.length > MAX_PASTED_CODE_LENGTH || !PASTED_CODE.test(text)) {
      throw badInput(
        `Paste the code the sign-in page shows (printable characters without spaces, at most ${MAX_PASTED_CODE_LENGTH})`,
        { field: "code" },
      );
    }
    const [code = "", state, ...rest] = text.split("#");
    if (code === "" || rest.length > 0 || state === "") {
      throw badInput("Paste the code as the page shows it: `code#state`, or the code alone", {
        field: "code",
      });
    }
    const flow = await this.ownFlow(userId, flowId, "code");
    if (state !== undefined && state !== flow.oauthState) {
      throw badInput(
        "This code belongs to another sign-in (its state does not match); nothing was stored",
        {
          field: "code",
          reason: "state_mismatch",
        },
      );
    }
    const claimed =
      flow.phase === "PENDING" && signInStatus(flow) === "PENDING"
        ? await this.flows.transition(flow, {
            from: ["PENDING"],
            to: "EXCHANGING",
            patch: {
              code: sealedToJson(this.vault.seal(signInSecretIdentity(flow, "code"), code)),
            },
          })
        : null;
    if (claimed === null) {
      const status = signInStatus((await this.flows.get(flowId)) ?? flow);
      throw badInput(
        status === "EXPIRED"
          ? "This sign-in has expired; start a new one"
          : status === "PENDING"
            ? "A code for this sign-in is being checked already"
            : "This sign-in is over (its code was used, or it was cancelled); start a new one",
        {
          field: "id",
          reason: status === "EXPIRED" ? "expired" : status === "PENDING" ? "in_progress" : "used",
        },
      );
    }
    // A check that goes unanswered leaves the flow EXCHANGING (the worker drops it once its
    // caller gave up), so a code is never exchanged twice; the user starts a new sign-in.
    const { credentialId } = await this.checks.request(COMPLETE_CODE_SIGN_IN, { flowId });
    const record = await this.credential(flow, credentialId);
    if (record === null) throw new AppError("INTERNAL", "The stored credential is gone");
    return record;
  }

  /** Cancels a pending sign-in of the user's; false when it had already ended. */
  async cancel(userId: string, flowId: string): Promise<boolean> {
    const flow = await this.ownFlow(userId, flowId);
    const cancelled = await this.flows.transition(flow, {
      from: ["STARTING", "PENDING"],
      to: "CANCELLED",
      patch: { deviceCode: null, verifier: null, code: null, message: "Cancelled" },
    });
    return cancelled !== null;
  }

  /** The user's device sign-in, or null (none, not theirs, or gone). */
  async device(userId: string, flowId: string): Promise<DeviceSignInView | null> {
    const flow = await this.flows.get(flowId);
    if (flow?.userId !== userId || flow.type !== "device" || flow.phase === "STARTING") return null;
    return {
      ...viewOf(flow),
      verificationUri: flow.verificationUri ?? "",
      verificationUriComplete: flow.verificationUriComplete,
      userCode: flow.userCode ?? "",
      intervalSeconds: flow.intervalSeconds ?? 5,
    };
  }

  /** The user's code sign-in, or null (none, not theirs, or gone). */
  async code(userId: string, flowId: string): Promise<CodeSignInView | null> {
    const flow = await this.flows.get(flowId);
    if (flow?.userId !== userId || flow.type !== "code") return null;
    return { ...viewOf(flow), authorizeUrl: flow.authorizeUrl ?? "" };
  }

  /** The credential a sign-in stored (metadata only), while it is still the flow owner's. */
  credential(
    flow: Pick<SignInFlow, "userId" | "sessionId">,
    credentialId: string,
  ): Promise<CredentialRecord | null> {
    return this.prisma.credential.findFirst({
      where:
        flow.sessionId === null
          ? { id: credentialId, userId: flow.userId }
          : { id: credentialId, sessionId: flow.sessionId, session: { ownerId: flow.userId } },
      select: credentialInfoSelect,
    });
  }

  private async ownFlow(
    userId: string,
    flowId: string,
    type?: SignInFlow["type"],
  ): Promise<SignInFlow> {
    const flow = await this.flows.get(flowId);
    // Another user's flow is not told apart from none.
    if (flow?.userId !== userId || (type !== undefined && flow.type !== type)) throw notFound();
    return flow;
  }
}

const viewOf = (flow: SignInFlow): SignInView => ({
  id: flow.id,
  provider: flow.provider,
  agentKind: flow.agentKind,
  sessionId: flow.sessionId,
  status: signInStatus(flow),
  expiresAt: new Date(flow.expiresAt),
  credentialId: flow.credentialId,
  message: flow.message,
});
