import { CredentialKind, KeySource, Provider } from "@agentry/core";
import { Field, ObjectType } from "type-graphql";
import { DateTimeScalar } from "../graphql/scalars.js";

@ObjectType("CredentialChoice", {
  description:
    "Which credential a message would run with, decided as the worker decides it; never the secret.",
})
export class CredentialChoiceType {
  @Field(() => KeySource, { description: "Where it comes from: session, account or system." })
  source!: KeySource;

  @Field(() => Provider, { description: "Whose credential it is." })
  provider!: Provider;

  @Field(() => CredentialKind, { description: "API key or subscription." })
  kind!: CredentialKind;

  @Field(() => String, {
    nullable: true,
    description:
      "At most the last four characters of the credential, as in CredentialInfo.hint; null for the operator's system key.",
  })
  hint!: string | null;

  @Field(() => DateTimeScalar, {
    nullable: true,
    description:
      "When the provider last refused it (a message failed INVALID_API_KEY or AUTHENTICATION_FAILED with it): the next message will likely fail too. Null when not refused since it was stored, and for the system key.",
  })
  refusedAt!: Date | null;
}
