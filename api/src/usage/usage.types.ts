import { Field, Float, Int, ObjectType } from "type-graphql";
import { BigIntScalar, DateTimeScalar } from "../graphql/scalars.js";

@ObjectType("UsageStats", {
  description:
    "Token usage, calls and estimated cost. totalTokens = input + output + cache read + cache write; reasoning tokens are reported apart (providers count them within output).",
})
export class UsageStatsType {
  @Field(() => BigIntScalar, {
    description: "Input (prompt) tokens, excluding cache reads and writes.",
  })
  inputTokens!: bigint;

  @Field(() => BigIntScalar, { description: "Output (completion) tokens." })
  outputTokens!: bigint;

  @Field(() => BigIntScalar, { description: "Input tokens read from the provider's prompt cache." })
  cacheReadTokens!: bigint;

  @Field(() => BigIntScalar, {
    description: "Input tokens written to the provider's prompt cache.",
  })
  cacheWriteTokens!: bigint;

  @Field(() => BigIntScalar, {
    description: "Reasoning (thinking) tokens, as the provider reported them.",
  })
  reasoningTokens!: bigint;

  @Field(() => BigIntScalar, { description: "input + output + cache read + cache write." })
  totalTokens!: bigint;

  @Field(() => Int, { description: "Provider calls made." })
  apiCalls!: number;

  @Field(() => Float, {
    description: "Estimated cost in USD of the priced calls (from a maintained price table).",
  })
  estimatedCostUsd!: number;

  @Field(() => Int, {
    description: "Calls whose model has no known price (not in estimatedCostUsd).",
  })
  unpricedCalls!: number;
}

@ObjectType("UsageBucket", { description: "Usage within one time bucket of a series." })
export class UsageBucketType extends UsageStatsType {
  @Field(() => DateTimeScalar, {
    description: "Where the bucket starts (UTC; it ends where the next starts).",
  })
  start!: Date;
}
