import { CredentialKind, Provider } from "@agentry/core";
import { Field, ID, Int, ObjectType } from "type-graphql";
import { CredentialStatus } from "../graphql/enums.js";
import { DateTimeScalar } from "../graphql/scalars.js";

@ObjectType("CredentialInfo", {
  description:
    "A stored credential's metadata. The secret itself is write-only: no field, for anyone, returns it.",
})
export class CredentialInfoType {
  @Field(() => ID, { description: "The credential's id." })
  id!: string;

  @Field(() => Provider, { description: "Whose credential it is." })
  provider!: Provider;

  @Field(() => CredentialKind, { description: "API key or subscription." })
  kind!: CredentialKind;

  @Field(() => String, {
    description:
      "At most the last four characters of the secret (fewer for short secrets), to tell keys apart.",
  })
  hint!: string;

  @Field(() => Int, {
    description:
      "Starts at 1 and goes up each time the secret is replaced; messages record the version they ran with.",
  })
  version!: number;

  @Field(() => DateTimeScalar, { description: "When it was first stored." })
  createdAt!: Date;

  @Field(() => DateTimeScalar, { description: "When it was last changed." })
  updatedAt!: Date;

  @Field(() => DateTimeScalar, {
    description:
      "When the secret itself was last set — saved, replaced, or renewed by a refresh or a CLI's rotation: its age.",
  })
  secretSetAt!: Date;

  @Field(() => Boolean, {
    description:
      "Whether the secret is older than CREDENTIAL_ROTATION_DAYS (default 90): time to rotate it. A refreshable sign-in renews itself and is never due.",
  })
  rotationDue!: boolean;

  @Field(() => DateTimeScalar, {
    nullable: true,
    description: "When an agent last ran with it; null if never (since it was last replaced).",
  })
  lastUsedAt!: Date | null;

  @Field(() => DateTimeScalar, { nullable: true, description: "When it expires, if known." })
  expiresAt!: Date | null;

  @Field(() => DateTimeScalar, {
    nullable: true,
    description:
      "When the provider last refused it (a message failed INVALID_API_KEY or AUTHENTICATION_FAILED with it); null once it is replaced.",
  })
  refusedAt!: Date | null;

  @Field(() => Boolean, {
    description:
      "Whether it carries a refresh token (Claude's .credentials.json, Codex's auth.json), so it is renewed rather than expiring.",
  })
  refreshable!: boolean;

  @Field(() => CredentialStatus, {
    description:
      "How it stands: REFUSED once the provider refused it; else VALID when refreshable; else EXPIRED past expiresAt, EXPIRING within CREDENTIAL_EXPIRING_DAYS of it, VALID otherwise.",
  })
  status!: CredentialStatus;

  @Field(() => String, {
    nullable: true,
    description:
      "When EXPIRED or REFUSED: what to do to get a fresh one (e.g. run `claude setup-token` or `codex login --device-auth`, then save it again); null otherwise.",
  })
  fix!: string | null;
}
