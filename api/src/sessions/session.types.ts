import { Provider } from "@agentry/core";
import { Field, ID, InputType, ObjectType } from "type-graphql";
import { Connection } from "../graphql/connection.js";
import { SessionRole } from "../graphql/enums.js";
import { DateTimeScalar } from "../graphql/scalars.js";
import type { SessionView } from "./session-access.service.js";

@ObjectType("Session", {
  description:
    "A workspace where agents run, with its own provider keys and usage. Visible to its owner and members only.",
})
export class SessionType implements SessionView {
  @Field(() => ID, { description: "The session's id." })
  id!: string;

  @Field(() => String, { description: "Its name (1 to 200 characters)." })
  name!: string;

  @Field(() => String, {
    nullable: true,
    description: "The repository its agents work on, if any.",
  })
  repoUrl!: string | null;

  @Field(() => DateTimeScalar, { description: "When it was created." })
  createdAt!: Date;

  @Field(() => DateTimeScalar, { description: "When its name or repository last changed." })
  updatedAt!: Date;

  @Field(() => SessionRole, { description: "What you may do here: OWNER, EDITOR or VIEWER." })
  viewerRole!: SessionRole;

  ownerId!: string;
  viewerId!: string;
}

@ObjectType("SessionMember", { description: "Someone with access to a session, and their role." })
export class SessionMemberType {
  @Field(() => ID, { description: "The user's id." })
  userId!: string;

  @Field(() => String, { description: "The user's email address." })
  email!: string;

  @Field(() => SessionRole, { description: "OWNER (exactly one), EDITOR or VIEWER." })
  role!: SessionRole;

  @Field(() => DateTimeScalar, {
    description: "Since when (the session's creation for its owner).",
  })
  since!: Date;
}

@ObjectType({ description: "A page of your sessions (owned and shared), newest first." })
export class SessionConnection extends Connection("Session", SessionType) {}

@InputType({ description: "A provider key given with a new session." })
export class ProviderKeyInput {
  @Field(() => Provider, { description: "The provider the key is for." })
  provider!: Provider;

  @Field(() => String, { description: "The key or token; its kind is inferred (at most 16 KiB)." })
  secret!: string;
}

@InputType({ description: "What a new session starts with." })
export class CreateSessionInput {
  @Field(() => String, { description: "Its name (1 to 200 characters)." })
  name!: string;

  @Field(() => String, {
    nullable: true,
    description:
      "A repository: http(s)://, ssh://, git:// URL or git@host:path (at most 2048 characters).",
  })
  repoUrl?: string | null;

  @Field(() => ProviderKeyInput, {
    nullable: true,
    description: "A session key to store right away.",
  })
  providerKey?: ProviderKeyInput | null;
}
