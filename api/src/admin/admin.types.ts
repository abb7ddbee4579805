import { Field, ID, ObjectType } from "type-graphql";
import { CredentialInfoType } from "../credentials/credential.types.js";
import { Connection } from "../graphql/connection.js";
import type { CredentialRecord } from "../credentials/credential.service.js";

/** One credential as an admin sees it: its metadata and whose it is. */
export interface AdminCredentialRecord {
  readonly id: string;
  readonly createdAt: Date;
  readonly credential: CredentialRecord;
  readonly ownerId: string | null;
  readonly ownerEmail: string | null;
  readonly sessionId: string | null;
  readonly sessionName: string | null;
}

@ObjectType("AdminCredential", {
  description:
    "Any stored credential as an admin sees it: its metadata and whose it is — an account's credential or a session's key. Never the secret.",
})
export class AdminCredentialType {
  @Field(() => CredentialInfoType, { description: "The credential's metadata." })
  credential!: CredentialInfoType;

  @Field(() => ID, {
    nullable: true,
    description: "The account it belongs to; for a session key, the session's owner.",
  })
  ownerId!: string | null;

  @Field(() => String, { nullable: true, description: "That account's email address." })
  ownerEmail!: string | null;

  @Field(() => ID, { nullable: true, description: "The session, for a session key; else null." })
  sessionId!: string | null;

  @Field(() => String, { nullable: true, description: "The session's name, for a session key." })
  sessionName!: string | null;
}

@ObjectType({ description: "A page of credentials, newest first." })
export class AdminCredentialConnection extends Connection("AdminCredential", AdminCredentialType) {}
