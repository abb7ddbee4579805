import { Field, ID, ObjectType } from "type-graphql";
import { Connection } from "../graphql/connection.js";
import { DateTimeScalar, JSONObjectScalar } from "../graphql/scalars.js";

@ObjectType("AuditEvent", {
  description: "One credential or access change: who, what, when. Never a secret.",
})
export class AuditEventType {
  @Field(() => ID, { description: "The event's id." })
  id!: string;

  @Field(() => String, {
    description:
      "What happened, e.g. session_key.set, account_credential.remove, api_token.create, credential.admin_delete.",
  })
  action!: string;

  @Field(() => String, {
    description: "What it happened to: credential, api_token, user or session.",
  })
  targetType!: string;

  @Field(() => ID, { nullable: true, description: "The target's id." })
  targetId!: string | null;

  @Field(() => ID, {
    nullable: true,
    description: "Who did it; null when that account was deleted.",
  })
  actorId!: string | null;

  @Field(() => String, {
    nullable: true,
    description: "The actor's email address, if the account still exists.",
  })
  actorEmail!: string | null;

  @Field(() => JSONObjectScalar, {
    description:
      "Non-secret details: provider, kind, hint (last characters), sessionId, version, …",
  })
  details!: Record<string, unknown>;

  @Field(() => DateTimeScalar, { description: "When." })
  createdAt!: Date;
}

@ObjectType({ description: "A page of audit events, newest first." })
export class AuditEventConnection extends Connection("AuditEvent", AuditEventType) {}
