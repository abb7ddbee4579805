import { Arg, Ctx, ID, Mutation, Resolver } from "type-graphql";
import { requireViewer, type RequestContext } from "../graphql/context.js";
import { parseId } from "../graphql/limits.js";
import type {
  CredentialVerification,
  CredentialVerificationService,
} from "./credential-verification.service.js";
import { CredentialVerificationType } from "./credential-verification.types.js";

/**
 * A verification costs a call to the provider and a worker's slot: counted against the caller's
 * per-minute query cost (QUERY_COST_PER_MINUTE, 1,000,000 by default: 40 a minute), under
 * QUERY_COST_MAX for one operation.
 */
export const VERIFY_CREDENTIAL_COST = 25_000;

@Resolver()
export class CredentialVerificationResolver {
  constructor(private readonly verifications: CredentialVerificationService) {}

  @Mutation(() => CredentialVerificationType, {
    description:
      "Asks the credential's provider whether it takes the credential, with one cheap authenticated call (listing models; GitHub Copilot: the user's Copilot entry). Stores and changes nothing, whatever the answer. Your account credentials, and the keys of sessions you may run agents in (owner, editor). UNAVAILABLE when no worker answers in time.",
    complexity: VERIFY_CREDENTIAL_COST,
  })
  verifyCredential(
    @Ctx() ctx: RequestContext,
    @Arg("id", () => ID, { description: "The credential (CredentialInfo.id)." }) id: string,
  ): Promise<CredentialVerification> {
    return this.verifications.verify(requireViewer(ctx).userId, parseId(id));
  }
}
