import { Field, ID, ObjectType } from "type-graphql";
import { Role } from "../graphql/enums.js";
import { DateTimeScalar } from "../graphql/scalars.js";

@ObjectType("User", { description: "A person with an account." })
export class UserType {
  @Field(() => ID, { description: "The user's id." })
  id!: string;

  @Field(() => String, { description: "The sign-in email address (lower case)." })
  email!: string;

  @Field(() => Role, { description: "USER or ADMIN." })
  role!: Role;

  @Field(() => DateTimeScalar, { description: "When the account was created." })
  createdAt!: Date;

  @Field(() => DateTimeScalar, {
    nullable: true,
    description:
      "When an admin disabled the account (it cannot sign in, its tokens were revoked); null when enabled.",
  })
  disabledAt?: Date | null;
}

@ObjectType({ description: "A new sign-in: the bearer token and who it belongs to." })
export class AuthPayload {
  @Field(() => String, {
    description:
      "The bearer token (send as `Authorization: Bearer <token>`). Shown once, expires after the configured days; signOut revokes it.",
  })
  token!: string;

  @Field(() => UserType, { description: "The signed-in user." })
  user!: UserType;
}

@ObjectType({
  description: "A personal access token, for programs. Its secret is never shown again.",
})
export class ApiToken {
  @Field(() => ID, { description: "The token's id (revokeApiToken takes it)." })
  id!: string;

  @Field(() => String, { description: "What the token is for, as named at creation." })
  name!: string;

  @Field(() => DateTimeScalar, { description: "When it was created." })
  createdAt!: Date;

  @Field(() => DateTimeScalar, {
    nullable: true,
    description: "When it was last used (to the minute); null if never.",
  })
  lastUsedAt!: Date | null;
}

@ObjectType({
  description: "A personal access token just created: the only time its secret is shown.",
})
export class CreatedApiToken {
  @Field(() => String, {
    description:
      "The token (prefix agp_). Store it now: only its hash is kept, it cannot be shown again.",
  })
  token!: string;

  @Field(() => ApiToken, { description: "The token's metadata." })
  apiToken!: ApiToken;
}
