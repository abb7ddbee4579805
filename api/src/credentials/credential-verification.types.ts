import { Field, Int, ObjectType } from "type-graphql";
import { VerificationResult } from "../graphql/enums.js";
import { DateTimeScalar } from "../graphql/scalars.js";

@ObjectType("CredentialVerification", {
  description:
    "What the provider said when the platform made one cheap authenticated call with a stored credential (listing models). Nothing about the credential is stored or changed by it.",
})
export class CredentialVerificationType {
  @Field(() => VerificationResult, { description: "The provider's verdict, or UNREACHABLE." })
  result!: VerificationResult;

  @Field(() => DateTimeScalar, { description: "When the provider answered or the call gave up." })
  checkedAt!: Date;

  @Field(() => Int, {
    nullable: true,
    description: "The HTTP status the provider answered with; null when it did not answer.",
  })
  status!: number | null;

  @Field(() => String, {
    nullable: true,
    description: "What happened, for people (never the secret or the provider's reply).",
  })
  message!: string | null;
}
