import { expect } from "vitest";
import { secrets } from "../fixtures.js";
import type { TestApi } from "../harness.js";
import {
  field,
  NOT_FOUND,
  SESSION_FIELDS,
  UNAUTHENTICATED,
  type OperationCase,
} from "./operation-case.js";
import { expectNoneOfA, expectNoSecretOfA, tag } from "./world.js";

// Isolation cases of the session, agent and live-usage operations (see operations.ts).

/** Reads a row as the database holds it, to prove who owns what a call created. */
const ownerOfSession = async (api: TestApi, id: string) =>
  (await api.prisma.session.findUniqueOrThrow({ where: { id } })).ownerId;

export const SESSION_OPERATIONS: Readonly<Record<string, OperationCase>> = {
  "Query.session": {
    attack: (world) => ({
      query: `query ($id: ID!) { session(id: $id) { ${SESSION_FIELDS} } }`,
      variables: { id: world.sessionId },
    }),
    stranger: { nullResult: true },
    nobody: UNAUTHENTICATED,
    need: "read",
    control: {
      as: "owner",
      check: (outcome, _actor, world) => {
        const session = field(outcome, "session") as {
          name: string;
          keys: unknown[];
          members: unknown[];
        };
        expect(session).toMatchObject({ name: world.sessionName, viewerRole: "OWNER" });
        expect(session.keys).toHaveLength(1);
        expect(session.members).toHaveLength(3);
        expectNoSecretOfA(outcome.text, world);
      },
    },
  },
  "Query.agent": {
    attack: (world) => ({
      query: `query ($id: ID!) { agent(id: $id) { id model status messages { id text status } } }`,
      variables: { id: world.agentId },
    }),
    stranger: { nullResult: true },
    nobody: UNAUTHENTICATED,
    need: "read",
    control: {
      as: "owner",
      check: (outcome, _actor, world) => {
        const agent = field(outcome, "agent") as { id: string; messages: unknown[] };
        expect(agent.id).toBe(world.agentId);
        expect(agent.messages.length).toBeGreaterThan(0);
        expectNoSecretOfA(outcome.text, world);
      },
    },
  },
  "Query.sessions": {
    attack: () => ({
      query: `{ sessions(first: 50) { totalCount edges { cursor node { id name repoUrl } } } }`,
    }),
    stranger: {
      own: (outcome, _actor, world) => {
        const page = field(outcome, "sessions") as { edges: { node: { id: string } }[] };
        expect(page.edges.map((edge) => edge.node.id)).not.toContain(world.sessionId);
        expectNoneOfA(outcome.text, world);
      },
    },
    nobody: UNAUTHENTICATED,
    control: {
      as: "owner",
      check: (outcome, _actor, world) => {
        const page = field(outcome, "sessions") as { edges: { node: { id: string } }[] };
        expect(page.edges.map((edge) => edge.node.id)).toEqual([world.sessionId]);
      },
    },
  },
  "Mutation.addSessionMember": {
    // The stranger tries to add themselves to A's session.
    attack: (world, actor) => ({
      query: `mutation ($id: ID!, $e: String!) { addSessionMember(sessionId: $id, email: $e, role: EDITOR) { ${SESSION_FIELDS} } }`,
      variables: { id: world.sessionId, e: (actor?.user ?? world.b).email },
    }),
    asMember: (world, role) => ({
      query: `mutation ($id: ID!, $e: String!) { addSessionMember(sessionId: $id, email: $e, role: EDITOR) { id } }`,
      variables: { id: world.sessionId, e: role === "VIEWER" ? world.viewer.email : world.b.email },
    }),
    stranger: NOT_FOUND,
    nobody: UNAUTHENTICATED,
    need: "manage",
    control: {
      as: "owner",
      request: (world) => ({
        query: `mutation ($id: ID!, $e: String!) { addSessionMember(sessionId: $id, email: $e, role: VIEWER) { members { userId role } } }`,
        variables: { id: world.sessionId, e: world.b.email },
      }),
      check: (outcome, _actor, world) => {
        const session = field(outcome, "addSessionMember") as { members: { userId: string }[] };
        expect(session.members.map((member) => member.userId)).toContain(world.b.user.id);
      },
    },
  },
  "Mutation.createSession": {
    attack: () => ({
      query: `mutation ($i: CreateSessionInput!) { createSession(input: $i) { ${SESSION_FIELDS} } }`,
      variables: { i: { name: `own ${tag()}` } },
    }),
    stranger: {
      own: async (outcome, actor, world, api) => {
        const session = field(outcome, "createSession") as {
          id: string;
          members: { userId: string }[];
        };
        expect(await ownerOfSession(api, session.id)).toBe(actor.user.user.id);
        expect(session.members.map((member) => member.userId)).toEqual([actor.user.user.id]);
        expectNoneOfA(outcome.text, world);
      },
    },
    nobody: UNAUTHENTICATED,
    control: {
      as: "owner",
      check: async (outcome, _actor, world, api) => {
        const session = field(outcome, "createSession") as { id: string };
        expect(await ownerOfSession(api, session.id)).toBe(world.a.user.id);
      },
    },
  },
  "Mutation.deleteSession": {
    attack: (world) => ({
      query: `mutation ($id: ID!) { deleteSession(id: $id) }`,
      variables: { id: world.sessionId },
    }),
    stranger: NOT_FOUND,
    nobody: UNAUTHENTICATED,
    need: "manage",
    control: {
      as: "owner",
      check: async (outcome, _actor, world, api) => {
        expect(field(outcome, "deleteSession") as boolean).toBe(true);
        expect(await api.prisma.session.count({ where: { id: world.sessionId } })).toBe(0);
      },
    },
  },
  "Mutation.removeSessionKey": {
    attack: (world) => ({
      query: `mutation ($id: ID!) { removeSessionKey(sessionId: $id, provider: ANTHROPIC) { ${SESSION_FIELDS} } }`,
      variables: { id: world.sessionId },
    }),
    stranger: NOT_FOUND,
    nobody: UNAUTHENTICATED,
    need: "manage",
    control: {
      as: "owner",
      check: (outcome) => {
        expect((field(outcome, "removeSessionKey") as { keys: unknown[] }).keys).toEqual([]);
      },
    },
  },
  "Mutation.removeSessionMember": {
    attack: (world) => ({
      query: `mutation ($id: ID!, $u: ID!) { removeSessionMember(sessionId: $id, userId: $u) }`,
      variables: { id: world.sessionId, u: world.editor.user.id },
    }),
    // A member may leave; removing someone else is the owner's.
    asMember: (world, role) => ({
      query: `mutation ($id: ID!, $u: ID!) { removeSessionMember(sessionId: $id, userId: $u) }`,
      variables: {
        id: world.sessionId,
        u: role === "VIEWER" ? world.editor.user.id : world.viewer.user.id,
      },
    }),
    stranger: NOT_FOUND,
    nobody: UNAUTHENTICATED,
    need: "manage",
    control: {
      as: "owner",
      check: async (outcome, _actor, world, api) => {
        expect(field(outcome, "removeSessionMember") as boolean).toBe(true);
        expect(
          await api.prisma.sessionMember.count({
            where: { sessionId: world.sessionId, userId: world.editor.user.id },
          }),
        ).toBe(0);
      },
    },
  },
  "Mutation.renameSession": {
    attack: (world) => ({
      query: `mutation ($id: ID!) { renameSession(id: $id, name: "taken over") { ${SESSION_FIELDS} } }`,
      variables: { id: world.sessionId },
    }),
    stranger: NOT_FOUND,
    nobody: UNAUTHENTICATED,
    need: "manage",
    control: {
      as: "owner",
      check: (outcome) => {
        expect((field(outcome, "renameSession") as { name: string }).name).toBe("taken over");
      },
    },
  },
  "Mutation.pushAgentBranch": {
    attack: (world) => ({
      query: `mutation ($id: ID!) { pushAgentBranch(agentId: $id, branch: "agent/outside") { branch commit } }`,
      variables: { id: world.agentId },
    }),
    stranger: NOT_FOUND,
    nobody: UNAUTHENTICATED,
    // No `need`: a member's push that is let through needs a clone and a worker to succeed
    // (e2e/test/repository.test.ts); a viewer's is FORBIDDEN (api/test/repository-token.test.ts).
    control: {
      as: "owner",
      // A's agent has no clone (no worker here): past every access check, refused for that.
      check: (outcome) => {
        expect(outcome.errors[0]?.extensions?.code, outcome.text).toBe("BAD_USER_INPUT");
        expect(outcome.errors[0]?.message).toMatch(/no clone/);
      },
    },
  },
  "Mutation.sendMessage": {
    attack: (world) => ({
      query: `mutation ($id: ID!) { sendMessage(agentId: $id, text: "hello from outside") { id text status } }`,
      variables: { id: world.agentId },
    }),
    stranger: NOT_FOUND,
    nobody: UNAUTHENTICATED,
    need: "use",
    control: {
      as: "owner",
      check: (outcome) => {
        expect((field(outcome, "sendMessage") as { status: string }).status).toBe("QUEUED");
      },
    },
  },
  "Mutation.cancelMessage": {
    attack: (world) => ({
      query: `mutation ($id: ID!) { cancelMessage(id: $id) { id text status } }`,
      variables: { id: world.messageId },
    }),
    stranger: NOT_FOUND,
    nobody: UNAUTHENTICATED,
    need: "use",
    control: {
      as: "owner",
      check: (outcome) => {
        // A's message waits in a queue no worker takes from here: stopped at once.
        expect((field(outcome, "cancelMessage") as { status: string }).status).toBe("CANCELLED");
      },
    },
  },
  "Mutation.removeAgent": {
    attack: (world) => ({
      query: `mutation ($id: ID!) { removeAgent(id: $id) }`,
      variables: { id: world.agentId },
    }),
    stranger: NOT_FOUND,
    nobody: UNAUTHENTICATED,
    need: "use",
    control: {
      as: "owner",
      check: async (outcome, _actor, world, api) => {
        expect(field(outcome, "removeAgent")).toBe(true);
        expect(await api.prisma.agent.count({ where: { id: world.agentId } })).toBe(0);
        expect(await api.prisma.message.count({ where: { agentId: world.agentId } })).toBe(0);
      },
    },
  },
  "Mutation.renameAgent": {
    attack: (world) => ({
      query: `mutation ($id: ID!) { renameAgent(id: $id, name: "taken over") { id name } }`,
      variables: { id: world.agentId },
    }),
    stranger: NOT_FOUND,
    nobody: UNAUTHENTICATED,
    need: "use",
    control: {
      as: "owner",
      request: (world) => ({
        query: `mutation ($id: ID!) { renameAgent(id: $id, name: "the reviewer") { id name } }`,
        variables: { id: world.agentId },
      }),
      check: async (outcome, _actor, world, api) => {
        expect(field(outcome, "renameAgent")).toEqual({ id: world.agentId, name: "the reviewer" });
        const row = await api.prisma.agent.findUniqueOrThrow({ where: { id: world.agentId } });
        expect(row.name).toBe("the reviewer");
      },
    },
  },
  "Mutation.setSessionBudget": {
    attack: (world) => ({
      query: `mutation ($id: ID!) { setSessionBudget(sessionId: $id, budgetUsd: 1000000) { ${SESSION_FIELDS} } }`,
      variables: { id: world.sessionId },
    }),
    stranger: NOT_FOUND,
    nobody: UNAUTHENTICATED,
    need: "manage",
    control: {
      as: "owner",
      check: (outcome) => {
        expect((field(outcome, "setSessionBudget") as { budgetUsd: number }).budgetUsd).toBe(
          1_000_000,
        );
      },
    },
  },
  "Mutation.setSessionKey": {
    attack: (world) => ({
      query: `mutation ($id: ID!, $s: String!) { setSessionKey(sessionId: $id, provider: ANTHROPIC, secret: $s) { ${SESSION_FIELDS} } }`,
      variables: { id: world.sessionId, s: secrets.anthropicKey() },
    }),
    stranger: NOT_FOUND,
    nobody: UNAUTHENTICATED,
    need: "manage",
    control: {
      as: "owner",
      check: (outcome, _actor, world) => {
        expect((field(outcome, "setSessionKey") as { keys: unknown[] }).keys).toEqual([
          expect.objectContaining({ id: world.sessionKeyId, version: 2 }),
        ]);
      },
    },
  },
  "Mutation.spawnAgent": {
    attack: (world) => ({
      query: `mutation ($id: ID!) { spawnAgent(sessionId: $id, kind: CHAT) { id model status messages { id text } } }`,
      variables: { id: world.sessionId },
    }),
    stranger: NOT_FOUND,
    nobody: UNAUTHENTICATED,
    need: "use",
    control: {
      as: "owner",
      check: (outcome) => {
        expect((field(outcome, "spawnAgent") as { status: string }).status).toBe("IDLE");
      },
    },
  },
  "Subscription.agentEvents": {
    attack: (world) => ({
      query: `subscription ($id: ID!) { agentEvents(agentId: $id, afterSeq: 0) { seq type agentId messageId text } }`,
      variables: { id: world.agentId },
    }),
    stranger: NOT_FOUND,
    nobody: UNAUTHENTICATED,
    need: "read",
    control: {
      as: "owner",
      check: (outcome, _actor, world) => {
        expect((field(outcome, "agentEvents") as { text: string }).text).toMatch(/^A-event-/);
        expect(outcome.text).toContain(world.messageId);
      },
    },
  },
  "Subscription.sessionUsage": {
    attack: (world) => ({
      query: `subscription ($id: ID!) { sessionUsage(sessionId: $id) { apiCalls totalTokens estimatedCostUsd } }`,
      variables: { id: world.sessionId },
    }),
    stranger: NOT_FOUND,
    nobody: UNAUTHENTICATED,
    need: "read",
    control: {
      as: "owner",
      check: (outcome) => {
        expect((field(outcome, "sessionUsage") as { apiCalls: number }).apiCalls).toBe(0);
      },
    },
  },
};
