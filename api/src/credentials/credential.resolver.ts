import { CredentialKind, Provider } from "@agentry/core";
import { credentialFix } from "@agentry/core";
import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from "type-graphql";
import { CredentialStatus } from "../graphql/enums.js";
import { requireViewer, type RequestContext } from "../graphql/context.js";
import { parseId } from "../graphql/limits.js";
import type { SessionAccessService, SessionView } from "../sessions/session-access.service.js";
import { SessionType } from "../sessions/session.types.js";
import type { CredentialRecord, CredentialService } from "./credential.service.js";
import { CredentialInfoType } from "./credential.types.js";

@Resolver(() => CredentialInfoType)
export class CredentialResolver {
  constructor(
    private readonly credentials: CredentialService,
    private readonly access: SessionAccessService,
  ) {}

  @FieldResolver(() => CredentialStatus)
  status(@Root() record: CredentialRecord): CredentialStatus {
    return this.credentials.statusOf(record);
  }

  @FieldResolver(() => Boolean)
  rotationDue(@Root() record: CredentialRecord): boolean {
    return this.credentials.rotationDueOf(record);
  }

  @FieldResolver(() => String, { nullable: true })
  fix(@Root() record: CredentialRecord): string | null {
    const status = this.credentials.statusOf(record);
    return status === "EXPIRED" || status === "REFUSED"
      ? credentialFix(record.provider, record.kind)
      : null;
  }

  @Query(() => [CredentialInfoType], {
    description: "Your own account credentials (metadata only).",
  })
  accountCredentials(@Ctx() ctx: RequestContext): Promise<CredentialRecord[]> {
    return this.credentials.accountCredentials(requireViewer(ctx).userId);
  }

  @Mutation(() => CredentialInfoType, {
    description:
      "Stores your own credential for (provider, kind), replacing the one you had. Used by your agents in any session without a session key for that provider.",
  })
  setAccountCredential(
    @Ctx() ctx: RequestContext,
    @Arg("provider", () => Provider, { description: "The provider." }) provider: Provider,
    @Arg("kind", () => CredentialKind, { description: "API key or subscription." })
    kind: CredentialKind,
    @Arg("secret", () => String, {
      description:
        "The key or token (a Codex subscription: the contents of auth.json; at most 16 KiB).",
    })
    secret: string,
  ): Promise<CredentialRecord> {
    return this.credentials.setAccountCredential(requireViewer(ctx).userId, provider, kind, secret);
  }

  @Mutation(() => Boolean, {
    description: "Removes your own credential for (provider, kind); false if you had none.",
  })
  removeAccountCredential(
    @Ctx() ctx: RequestContext,
    @Arg("provider", () => Provider, { description: "The provider." }) provider: Provider,
    @Arg("kind", () => CredentialKind, { description: "API key or subscription." })
    kind: CredentialKind,
  ): Promise<boolean> {
    return this.credentials.removeAccountCredential(requireViewer(ctx).userId, provider, kind);
  }

  @Mutation(() => SessionType, {
    description:
      "Sets the session's key for a provider (its kind inferred from the secret), replacing the one it had. Owner only.",
  })
  async setSessionKey(
    @Ctx() ctx: RequestContext,
    @Arg("sessionId", () => ID, { description: "The session." }) sessionId: string,
    @Arg("provider", () => Provider, { description: "The provider the key is for." })
    provider: Provider,
    @Arg("secret", () => String, { description: "The key or token (at most 16 KiB)." })
    secret: string,
  ): Promise<SessionView> {
    const viewer = requireViewer(ctx);
    const id = parseId(sessionId, "sessionId");
    await this.credentials.setSessionKey(viewer.userId, id, provider, secret);
    return this.access.require(viewer.userId, id, "manage");
  }

  @Mutation(() => SessionType, {
    description: "Removes the session's key for a provider (if any). Owner only.",
  })
  async removeSessionKey(
    @Ctx() ctx: RequestContext,
    @Arg("sessionId", () => ID, { description: "The session." }) sessionId: string,
    @Arg("provider", () => Provider, { description: "The provider." }) provider: Provider,
  ): Promise<SessionView> {
    const viewer = requireViewer(ctx);
    const id = parseId(sessionId, "sessionId");
    await this.credentials.removeSessionKey(viewer.userId, id, provider);
    return this.access.require(viewer.userId, id, "manage");
  }
}
