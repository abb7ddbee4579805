import { Arg, Ctx, ID, Mutation, Query, Resolver } from "type-graphql";
import { requireViewer, type RequestContext } from "../graphql/context.js";
import { listComplexity } from "../graphql/complexity.js";
import { checkLength, parseId } from "../graphql/limits.js";
import {
  MAX_PERSONAL_TOKENS,
  type ApiTokenRecord,
  type ApiTokenService,
} from "./api-token.service.js";
import type { AuthService, SignedIn, UserRecord } from "./auth.service.js";
import { ApiToken, AuthPayload, CreatedApiToken, UserType } from "./auth.types.js";

// Strings are capped before any work (hashing a megabyte is work).
const EMAIL_ARG_MAX = 1024;
const PASSWORD_ARG_MAX = 4096;

@Resolver()
export class AuthResolver {
  constructor(
    private readonly auth: AuthService,
    private readonly tokens: ApiTokenService,
  ) {}

  @Query(() => UserType, { description: "The signed-in user." })
  me(@Ctx() ctx: RequestContext): UserRecord {
    // The token's lookup read the user already (no account is deleted while a token lives).
    const viewer = requireViewer(ctx);
    return {
      id: viewer.userId,
      email: viewer.email,
      role: viewer.role,
      createdAt: viewer.userCreatedAt,
    };
  }

  @Mutation(() => AuthPayload, {
    description:
      "Creates an account and signs it in. The first account (or the one with ADMIN_EMAIL, when set) is an admin. A taken email is BAD_USER_INPUT (details.field = email); too many sign-ups from one address, RATE_LIMITED with extensions.retryAfter (seconds).",
  })
  signUp(
    @Ctx() ctx: RequestContext,
    @Arg("email", () => String, {
      description: "Email address (case does not matter; ≤ 320 characters).",
    })
    email: string,
    @Arg("password", () => String, { description: "Password, 8 to 1024 characters." })
    password: string,
  ): Promise<SignedIn> {
    return this.auth.signUp(
      checkLength(email, "email", EMAIL_ARG_MAX),
      checkLength(password, "password", PASSWORD_ARG_MAX),
      ctx.clientAddress,
    );
  }

  @Mutation(() => AuthPayload, {
    description:
      'Signs in. A wrong password and an unknown email both give UNAUTHENTICATED "Wrong email or password". Too many attempts from one address, or too many failures for one account from addresses that never signed in to it, give RATE_LIMITED with extensions.retryAfter (seconds).',
  })
  signIn(
    @Ctx() ctx: RequestContext,
    @Arg("email", () => String, { description: "The account's email address." }) email: string,
    @Arg("password", () => String, { description: "The account's password." }) password: string,
  ): Promise<SignedIn> {
    return this.auth.signIn(
      checkLength(email, "email", EMAIL_ARG_MAX),
      checkLength(password, "password", PASSWORD_ARG_MAX),
      ctx.clientAddress,
    );
  }

  @Mutation(() => Boolean, { description: "Revokes the token this request was made with." })
  async signOut(@Ctx() ctx: RequestContext): Promise<boolean> {
    await this.auth.signOut(requireViewer(ctx));
    return true;
  }

  @Mutation(() => CreatedApiToken, {
    description: "Creates a personal access token for a program. The token is in the result, once.",
  })
  createApiToken(
    @Ctx() ctx: RequestContext,
    @Arg("name", () => String, { description: "What the token is for (1 to 200 characters)." })
    name: string,
  ): Promise<{ token: string; apiToken: ApiTokenRecord }> {
    return this.tokens.create(requireViewer(ctx), name);
  }

  @Query(() => [ApiToken], {
    description: "The signed-in user's live personal access tokens, newest first.",
    complexity: listComplexity(MAX_PERSONAL_TOKENS),
  })
  apiTokens(@Ctx() ctx: RequestContext): Promise<ApiTokenRecord[]> {
    return this.tokens.list(requireViewer(ctx));
  }

  @Mutation(() => Boolean, {
    description: "Revokes one of your personal access tokens; it stops working at once.",
  })
  async revokeApiToken(
    @Ctx() ctx: RequestContext,
    @Arg("id", () => ID, { description: "The token's id." }) id: string,
  ): Promise<boolean> {
    await this.tokens.revoke(requireViewer(ctx), parseId(id));
    return true;
  }
}
