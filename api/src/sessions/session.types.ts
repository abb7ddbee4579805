import { Provider } from "@agentry/core";
import { Field, ID, InputType, ObjectType, registerEnumType } from "type-graphql";
import { Connection } from "../graphql/connection.js";
import { SessionRole } from "../graphql/enums.js";
import { DateTimeScalar } from "../graphql/scalars.js";
import type { SessionView } from "./session-access.service.js";
import { OrderDirection, SessionOrderField, type SessionOrder } from "./session-order.js";

registerEnumType(SessionOrderField, {
  name: "SessionOrderField",
  description: "What the sessions list can be ordered by. Ties are broken by the session's id.",
  valuesConfig: {
    CREATED_AT: { description: "When the session was created." },
    NAME: { description: "The session's name (in the database's collation)." },
    COST: { description: "Its estimated cost in USD; a session without usage counts as 0." },
    TOKENS: {
      description:
        "Its input, output, cache-read and cache-write tokens together (totalTokens); a session without usage counts as 0.",
    },
    API_CALLS: { description: "Its provider calls; a session without usage counts as 0." },
  },
});

registerEnumType(OrderDirection, {
  name: "OrderDirection",
  description: "Which way an ordering runs.",
  valuesConfig: {
    ASC: { description: "Smallest, earliest or A first." },
    DESC: { description: "Largest, latest or Z first." },
  },
});

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

  @Field(() => String, {
    nullable: true,
    description:
      "The branch, tag or commit its agents' clones check out; null: the repository's default branch.",
  })
  repoRef!: string | null;

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

@InputType("SessionOrder", {
  description:
    "How to order the sessions list. Cursors belong to the ordering they came from: pass the same orderBy with `after`.",
})
export class SessionOrderInput implements SessionOrder {
  @Field(() => SessionOrderField, { description: "What to order by." })
  field!: SessionOrderField;

  @Field(() => OrderDirection, { description: "Which way: ASC or DESC." })
  direction!: OrderDirection;
}

@ObjectType({
  description:
    "A page of your sessions (owned and shared), in the order asked for (newest first by default).",
})
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
      "The repository each agent's workspace is cloned from before its first message: an https:// URL without a user name or token (at most 2048 characters). Its token is the session's or your GIT credential.",
  })
  repoUrl?: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      "A branch or tag name (git check-ref-format rules) or a commit (7 to 64 hex digits) to check out; default: the repository's default branch.",
  })
  repoRef?: string | null;

  @Field(() => ProviderKeyInput, {
    nullable: true,
    description: "A session key to store right away.",
  })
  providerKey?: ProviderKeyInput | null;
}
