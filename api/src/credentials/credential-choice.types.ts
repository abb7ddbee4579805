import { CredentialKind, KeySource, Provider } from "@agentry/core";
import { Field, ObjectType } from "type-graphql";

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
}
