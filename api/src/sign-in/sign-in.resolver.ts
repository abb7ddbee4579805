import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from "type-graphql";
import type { CredentialRecord } from "../credentials/credential.service.js";
import { CredentialInfoType } from "../credentials/credential.types.js";
import { requireViewer, type RequestContext } from "../graphql/context.js";
import { parseId } from "../graphql/limits.js";
import type { SignInService } from "./sign-in.service.js";
import {
  CodeSignInType,
  DeviceSignInType,
  StartCodeSignInInput,
  StartDeviceSignInInput,
  type CodeSignInView,
  type DeviceSignInView,
  type SignInView,
} from "./sign-in.types.js";

const credentialOf = (
  signIns: SignInService,
  view: SignInView,
  ctx: RequestContext,
): Promise<CredentialRecord | null> =>
  view.credentialId === null
    ? Promise.resolve(null)
    : signIns.credential(
        { userId: requireViewer(ctx).userId, sessionId: view.sessionId },
        view.credentialId,
      );

const CREDENTIAL_DESCRIPTION =
  "Once SUCCEEDED: the credential it stored (metadata only); null before, or once it is gone.";

@Resolver(() => DeviceSignInType)
export class DeviceSignInResolver {
  constructor(private readonly signIns: SignInService) {}

  @FieldResolver(() => CredentialInfoType, { nullable: true, description: CREDENTIAL_DESCRIPTION })
  credential(
    @Root() view: DeviceSignInView,
    @Ctx() ctx: RequestContext,
  ): Promise<CredentialRecord | null> {
    return credentialOf(this.signIns, view, ctx);
  }

  @Mutation(() => DeviceSignInType, {
    description:
      "Starts OpenAI's device-code sign-in (for CODEX or OPENCODE): show the user `verificationUri` and `userCode`; the platform polls and, once they approve, stores the tokens as their ChatGPT subscription (or the session's key). At most 5 sign-ins may be pending per user.",
  })
  startDeviceSignIn(
    @Ctx() ctx: RequestContext,
    @Arg("input", () => StartDeviceSignInInput, { description: "What the sign-in is for." })
    input: StartDeviceSignInInput,
  ): Promise<DeviceSignInView> {
    const viewer = requireViewer(ctx);
    return this.signIns.startDevice(viewer.userId, {
      provider: input.provider,
      agentKind: input.agentKind,
      sessionId: input.sessionId == null ? null : parseId(input.sessionId, "sessionId"),
    });
  }

  @Query(() => DeviceSignInType, {
    nullable: true,
    description: "One of your device-code sign-ins; null when there is none (or it is long over).",
  })
  deviceSignIn(
    @Ctx() ctx: RequestContext,
    @Arg("id", () => ID, { description: "The sign-in's id." }) id: string,
  ): Promise<DeviceSignInView | null> {
    return this.signIns.device(requireViewer(ctx).userId, parseId(id));
  }

  @Mutation(() => Boolean, {
    description:
      "Cancels one of your pending sign-ins (device-code or code): nothing will be stored. False when it had already ended.",
  })
  cancelSignIn(
    @Ctx() ctx: RequestContext,
    @Arg("id", () => ID, { description: "The sign-in's id." }) id: string,
  ): Promise<boolean> {
    return this.signIns.cancel(requireViewer(ctx).userId, parseId(id));
  }
}

@Resolver(() => CodeSignInType)
export class CodeSignInResolver {
  constructor(private readonly signIns: SignInService) {}

  @FieldResolver(() => CredentialInfoType, { nullable: true, description: CREDENTIAL_DESCRIPTION })
  credential(
    @Root() view: CodeSignInView,
    @Ctx() ctx: RequestContext,
  ): Promise<CredentialRecord | null> {
    return credentialOf(this.signIns, view, ctx);
  }

  @Mutation(() => CodeSignInType, {
    description:
      "Starts Anthropic's code sign-in (for CLAUDE_CODE): open `authorizeUrl`, sign in, then pass the code the page shows to completeCodeSignIn within 10 minutes. At most 5 sign-ins may be pending per user.",
  })
  startCodeSignIn(
    @Ctx() ctx: RequestContext,
    @Arg("input", () => StartCodeSignInInput, { description: "What the sign-in is for." })
    input: StartCodeSignInInput,
  ): Promise<CodeSignInView> {
    const viewer = requireViewer(ctx);
    return this.signIns.startCode(viewer.userId, {
      provider: input.provider,
      agentKind: input.agentKind,
      sessionId: input.sessionId == null ? null : parseId(input.sessionId, "sessionId"),
    });
  }

  @Query(() => CodeSignInType, {
    nullable: true,
    description: "One of your code sign-ins; null when there is none (or it is long over).",
  })
  codeSignIn(
    @Ctx() ctx: RequestContext,
    @Arg("id", () => ID, { description: "The sign-in's id." }) id: string,
  ): Promise<CodeSignInView | null> {
    return this.signIns.code(requireViewer(ctx).userId, parseId(id));
  }

  @Mutation(() => CredentialInfoType, {
    description:
      "Completes a code sign-in with what the page showed (`code#state`, or the code alone): the tokens are stored as your Claude Code subscription (or the session's key) and the credential is returned. Each sign-in completes once; a wrong code may be pasted again (3 tries), and stores nothing.",
  })
  completeCodeSignIn(
    @Ctx() ctx: RequestContext,
    @Arg("id", () => ID, { description: "The sign-in's id." }) id: string,
    @Arg("code", () => String, {
      description:
        "What the sign-in page showed: `code#state` or the code (at most 2048 characters).",
    })
    code: string,
  ): Promise<CredentialRecord> {
    return this.signIns.completeCode(requireViewer(ctx).userId, parseId(id), code);
  }
}
