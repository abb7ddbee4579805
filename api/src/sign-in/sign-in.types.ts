import { AgentKind, Provider, SIGN_IN_STATUSES, type SignInStatus as Status } from "@agentry/core";
import {
  Field,
  ID,
  InputType,
  Int,
  InterfaceType,
  ObjectType,
  registerEnumType,
} from "type-graphql";
import { DateTimeScalar } from "../graphql/scalars.js";

export const SignInStatus = Object.fromEntries(
  SIGN_IN_STATUSES.map((status) => [status, status]),
) as {
  readonly [S in Status]: S;
};
export type SignInStatus = Status;

registerEnumType(SignInStatus, {
  name: "SignInStatus",
  description: "Where a sign-in the platform runs for you stands.",
  valuesConfig: {
    PENDING: { description: "Waiting for you: enter the code, or paste the code back." },
    SUCCEEDED: { description: "Done: the tokens are stored as the credential it names." },
    DENIED: { description: "You (or the provider) refused the sign-in; nothing was stored." },
    EXPIRED: { description: "Not completed in time; nothing was stored. Start a new one." },
    CANCELLED: { description: "Cancelled; nothing was stored." },
    FAILED: {
      description:
        "The provider refused it, or its answer was unusable; `message` says why. Nothing was stored.",
    },
  } satisfies Record<Status, { description: string }>,
});

/** A sign-in flow as the api shows it (no secret: those stay sealed in the flow's record). */
export interface SignInView {
  readonly id: string;
  readonly provider: Provider;
  readonly agentKind: AgentKind;
  readonly sessionId: string | null;
  readonly status: SignInStatus;
  readonly expiresAt: Date;
  readonly credentialId: string | null;
  readonly message: string | null;
}

export interface DeviceSignInView extends SignInView {
  readonly verificationUri: string;
  readonly verificationUriComplete: string | null;
  readonly userCode: string;
  readonly intervalSeconds: number;
}

export interface CodeSignInView extends SignInView {
  readonly authorizeUrl: string;
}

@InterfaceType("SignIn", {
  description: "A sign-in the platform runs with a provider for you (DeviceSignIn or CodeSignIn).",
})
export abstract class SignInFields {
  @Field(() => ID, {
    description: "The sign-in's id (for its status, cancelSignIn, completeCodeSignIn).",
  })
  id!: string;

  @Field(() => Provider, { description: "Whose sign-in it is." })
  provider!: Provider;

  @Field(() => AgentKind, { description: "The agent kind the credential is for." })
  agentKind!: AgentKind;

  @Field(() => ID, {
    nullable: true,
    description: "The session whose key it becomes; null: your own account credential.",
  })
  sessionId!: string | null;

  @Field(() => SignInStatus, { description: "Where it stands." })
  status!: SignInStatus;

  @Field(() => DateTimeScalar, { description: "When it expires if not completed." })
  expiresAt!: Date;

  @Field(() => ID, {
    nullable: true,
    description: "Once SUCCEEDED: the id of the credential it stored (see `credential`).",
  })
  credentialId!: string | null;

  @Field(() => String, {
    nullable: true,
    description: "Why it ended as it did (DENIED, EXPIRED, FAILED), for people; null otherwise.",
  })
  message!: string | null;
}

@ObjectType("DeviceSignIn", {
  implements: SignInFields,
  description:
    "OpenAI's device-code sign-in: open `verificationUri`, enter `userCode`; the platform polls and stores the tokens as your subscription when you approve.",
})
export class DeviceSignInType extends SignInFields {
  @Field(() => String, { description: "Where to enter the code." })
  verificationUri!: string;

  @Field(() => String, {
    nullable: true,
    description: "The same page with the code filled in, when the provider offers one.",
  })
  verificationUriComplete!: string | null;

  @Field(() => String, { description: "The code to enter there (public: it is worthless alone)." })
  userCode!: string;

  @Field(() => Int, { description: "How often the platform asks the provider, in seconds." })
  intervalSeconds!: number;
}

@ObjectType("CodeSignIn", {
  implements: SignInFields,
  description:
    "Anthropic's code sign-in: open `authorizeUrl`, sign in, and paste the code the page shows into completeCodeSignIn.",
})
export class CodeSignInType extends SignInFields {
  @Field(() => String, { description: "Where to sign in." })
  authorizeUrl!: string;
}

@InputType({ description: "What a device-code sign-in is for." })
export class StartDeviceSignInInput {
  @Field(() => Provider, { description: "OPENAI (the only provider with a device-code sign-in)." })
  provider!: Provider;

  @Field(() => AgentKind, { description: "CODEX or OPENCODE: both run with a ChatGPT sign-in." })
  agentKind!: AgentKind;

  @Field(() => ID, {
    nullable: true,
    description: "Store it as this session's key (you must own the session); omitted: your own.",
  })
  sessionId?: string | null;
}

@InputType({ description: "What a code sign-in is for." })
export class StartCodeSignInInput {
  @Field(() => Provider, { description: "ANTHROPIC (the only provider with a code sign-in)." })
  provider!: Provider;

  @Field(() => AgentKind, { description: "CLAUDE_CODE." })
  agentKind!: AgentKind;

  @Field(() => ID, {
    nullable: true,
    description: "Store it as this session's key (you must own the session); omitted: your own.",
  })
  sessionId?: string | null;
}
