import { Field, Int, ObjectType, registerEnumType } from "type-graphql";

export const FileChangeStatus = {
  ADDED: "ADDED",
  MODIFIED: "MODIFIED",
  DELETED: "DELETED",
} as const;
export type FileChangeStatus = (typeof FileChangeStatus)[keyof typeof FileChangeStatus];

registerEnumType(FileChangeStatus, {
  name: "FileChangeStatus",
  description: "How a file in an agent's workspace differs from the commit it cloned.",
  valuesConfig: {
    ADDED: { description: "New (untracked files included; ignored ones not)." },
    MODIFIED: { description: "Changed." },
    DELETED: { description: "Removed." },
  },
});

@ObjectType("FileChange", { description: "One file an agent changed since its clone." })
export class FileChangeType {
  @Field(() => String, { description: "Its path in the repository." })
  path!: string;

  @Field(() => FileChangeStatus, { description: "Added, modified or deleted." })
  status!: FileChangeStatus;

  @Field(() => Int, { nullable: true, description: "Lines added; null for a binary file." })
  added!: number | null;

  @Field(() => Int, { nullable: true, description: "Lines removed; null for a binary file." })
  removed!: number | null;
}

@ObjectType("AgentChanges", {
  description:
    "What an agent changed in its working copy of the session's repository, against the commit it cloned (git diff --numstat, untracked files included).",
})
export class AgentChangesType {
  @Field(() => String, { description: "The commit the agent's clone checked out." })
  baseCommit!: string;

  @Field(() => [FileChangeType], { description: "The changed files (at most 1,000)." })
  files!: FileChangeType[];
}

@ObjectType("FileDiff", { description: "The unified diff of one file since the agent's clone." })
export class FileDiffType {
  @Field(() => String, { description: "The file's path." })
  path!: string;

  @Field(() => String, {
    description: "The unified diff (empty when the file is unchanged), at most 256 KiB.",
  })
  diff!: string;

  @Field(() => Boolean, { description: "The diff was longer and is cut at 256 KiB." })
  truncated!: boolean;
}

@ObjectType("PushedBranch", { description: "What pushAgentBranch pushed." })
export class PushedBranchType {
  @Field(() => String, { description: "The branch on the repository." })
  branch!: string;

  @Field(() => String, { description: "The commit pushed (the agent's changes, committed)." })
  commit!: string;

  @Field(() => String, {
    description:
      "The repository's answer (git push --porcelain and the remote's messages, such as a link to open a pull request).",
  })
  remoteMessage!: string;
}
