import { createMemoryHistory, MemoryRouter, Route } from "@solidjs/router";
import { Client, fetchExchange } from "@urql/core";
import { Provider as UrqlProvider } from "@urql/solid";
import { render } from "solid-js/web";
import { afterEach, describe, expect, it, vi } from "vitest";
import { AccountPage } from "../account/account-page.js";
import { SpawnAgentForm } from "../agents/spawn-agent-form.js";
import { RegistryProvider } from "./registry-context.js";
import { REGISTRY_FIXTURE } from "./registry-fixture.js";

// The screens the registry drives, rendered from the api's answers (served by a stand-in for
// fetch that answers each operation by name): nothing on them is named by the client itself.

let dispose: (() => void) | undefined;
afterEach(() => {
  dispose?.();
  document.body.replaceChildren();
});

type Answers = Readonly<Record<string, (variables: Record<string, unknown>) => unknown>>;

/** An urql client whose requests are answered from `answers`, by operation name. */
function clientAnswering(answers: Answers): { client: Client; asked: string[] } {
  const asked: string[] = [];
  const fetch = (_url: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const body = JSON.parse(typeof init?.body === "string" ? init.body : "{}") as {
      operationName: string;
      variables: Record<string, unknown>;
    };
    asked.push(body.operationName);
    const answer = answers[body.operationName];
    const payload =
      answer === undefined
        ? { errors: [{ message: "unknown", extensions: { code: "INTERNAL" } }] }
        : { data: answer(body.variables) };
    return Promise.resolve(
      new Response(JSON.stringify(payload), { headers: { "content-type": "application/json" } }),
    );
  };
  const client = new Client({
    url: "http://api.test/graphql",
    exchanges: [fetchExchange],
    preferGetMethod: false,
    fetch,
  });
  return { client, asked };
}

function show(
  path: string,
  answers: Answers,
  page: () => ReturnType<typeof AccountPage>,
  route = "*",
) {
  const { client, asked } = clientAnswering({ Registry: () => REGISTRY_FIXTURE, ...answers });
  const history = createMemoryHistory();
  history.set({ value: path, replace: true, scroll: false });
  const root = document.createElement("div");
  document.body.append(root);
  dispose = render(
    () => (
      <UrqlProvider value={client}>
        <MemoryRouter history={history}>
          <Route path={route} component={() => <RegistryProvider>{page()}</RegistryProvider>} />
        </MemoryRouter>
      </UrqlProvider>
    ),
    root,
  );
  return { root, asked };
}

const text = (element: Element | null | undefined): string =>
  (element?.textContent ?? "").replace(/\s+/g, " ").trim();

describe("Agent Credentials", () => {
  it("has a panel per agent kind with the registry's setup steps and a slot per credential, preferred first", async () => {
    const { root } = show(
      "/account/agent-credentials",
      { AccountCredentials: () => ({ accountCredentials: [] }) },
      () => <AccountPage />,
      "/account/:tab?",
    );
    await vi.waitFor(() => {
      expect(root.querySelector('[data-testid="agent-claude-code"]')).not.toBeNull();
    });
    const panels = [...root.querySelectorAll("details.agent-panel")];
    expect(panels.map((panel) => panel.querySelector("h3")?.textContent)).toEqual([
      "Chat",
      "Claude Code",
      "Codex",
      "Gemini CLI",
      "OpenCode",
    ]);

    const claude = root.querySelector('[data-testid="agent-claude-code"]');
    expect([...(claude?.querySelectorAll("h4") ?? [])].map((h) => h.textContent)).toEqual([
      "1. Claude subscription token",
      "2. Anthropic API key",
    ]);
    const commands = [...(claude?.querySelectorAll(".steps code") ?? [])].map((c) => c.textContent);
    expect(commands).toContain("claude setup-token");
    const tokenSlot = root.querySelector(
      '[data-testid="agent-claude-code-anthropic-subscription"]',
    );
    expect(tokenSlot?.querySelector("label")?.textContent).toBe("Claude Code token");
    expect(tokenSlot?.querySelector("button[type=submit]")?.textContent).toBe("Save Credentials");

    const codex = root.querySelector('[data-testid="agent-codex"]');
    expect(text(codex)).toContain("codex login --device-auth");
    expect(codex?.querySelector("textarea")).not.toBeNull();

    // OpenCode: Anthropic by API key only, a ChatGPT sign-in for OpenAI.
    const opencode = root.querySelector('[data-testid="agent-opencode"]');
    expect([...(opencode?.querySelectorAll("h4") ?? [])].map((h) => h.textContent)).toEqual([
      "1. Anthropic API key",
      "2. ChatGPT sign-in (Codex auth.json)",
      "3. OpenAI API key",
      "4. Gemini API key",
    ]);
    expect(text(root.querySelector('[data-testid="agent-gemini-cli"]'))).toContain(
      "Not available to spawn yet.",
    );
  });

  it("shows what is stored under each agent that can use it, by its registry name", async () => {
    const stored = {
      id: "c1",
      provider: "ANTHROPIC",
      kind: "API_KEY",
      hint: "wxyz",
      version: 1,
      createdAt: "2026-01-01T00:00:00.000Z",
      updatedAt: "2026-01-01T00:00:00.000Z",
      lastUsedAt: null,
      expiresAt: null,
      refusedAt: null,
      status: "VALID",
      refreshable: false,
      fix: null,
    };
    const { root } = show(
      "/account/agent-credentials",
      { AccountCredentials: () => ({ accountCredentials: [stored] }) },
      () => <AccountPage />,
      "/account/:tab?",
    );
    await vi.waitFor(() => {
      expect(root.querySelectorAll('[data-testid="credential-hint"]')).toHaveLength(3);
    });
    const slot = root.querySelector('[data-testid="agent-opencode-anthropic-api_key"]');
    expect(text(slot)).toContain("••••wxyz");
    expect(text(slot?.querySelector(".badge"))).toBe("Anthropic API key");
    expect(slot?.querySelector('[data-testid="credential-refused"]')).toBeNull();
    expect(text(slot?.querySelector('[data-testid="credential-status"]'))).toBe("Valid");
    expect(slot?.querySelector('[data-testid="credential-fix"]')).toBeNull();
  });

  it("marks a credential the provider refused, under every agent that uses it", async () => {
    const refused = {
      id: "c2",
      provider: "ANTHROPIC",
      kind: "SUBSCRIPTION",
      hint: "oat1",
      version: 2,
      createdAt: "2026-01-01T00:00:00.000Z",
      updatedAt: "2026-01-02T00:00:00.000Z",
      lastUsedAt: "2026-01-03T00:00:00.000Z",
      expiresAt: null,
      refusedAt: "2026-01-03T00:00:00.000Z",
      status: "REFUSED",
      refreshable: false,
      fix: "Run `claude setup-token` and save the token it prints.",
    };
    const { root } = show(
      "/account/agent-credentials",
      { AccountCredentials: () => ({ accountCredentials: [refused] }) },
      () => <AccountPage />,
      "/account/:tab?",
    );
    const slot = await vi.waitFor(() => {
      const found = root.querySelector(
        '[data-testid="agent-claude-code-anthropic-subscription"] [data-testid="credential-refused"]',
      );
      if (found === null) throw new Error("not marked yet");
      return found;
    });
    expect(text(slot.querySelector("dd"))).toMatch(/^The provider refused it on .+ — replace it/);
    const claude = root.querySelector('[data-testid="agent-claude-code-anthropic-subscription"]');
    expect(text(claude?.querySelector('[data-testid="credential-status"]'))).toBe("Refused");
    expect(text(claude?.querySelector('[data-testid="credential-fix"] code'))).toBe(
      "claude setup-token",
    );
    // OpenCode takes no Claude subscription: nothing of it is shown there.
    expect(
      root.querySelector('[data-testid="agent-opencode"] [data-testid="credential-refused"]'),
    ).toBeNull();
  });
});

describe("the spawn form", () => {
  it("offers the kinds the api can run with their providers, and says which credential the first message would use", async () => {
    const { root, asked } = show(
      "/",
      {
        NextCredential: (variables) => ({
          session: {
            id: "s1",
            nextCredential:
              variables["agentKind"] === "CLAUDE_CODE"
                ? { source: "ACCOUNT", provider: "ANTHROPIC", kind: "SUBSCRIPTION", hint: "abcd" }
                : null,
          },
        }),
      },
      () => <SpawnAgentForm sessionId="s1" onSpawned={() => undefined} />,
    );
    const kind = await vi.waitFor(() => {
      const select = root.querySelector<HTMLSelectElement>("#agent-kind");
      if (select === null) throw new Error("no form yet");
      return select;
    });
    expect([...kind.options].map((option) => [option.value, option.text])).toEqual([
      ["CHAT", "Chat"],
      ["CLAUDE_CODE", "Claude Code"],
      ["CODEX", "Codex"],
      ["OPENCODE", "OpenCode"],
    ]);
    const credential = root.querySelector('[data-testid="spawn-credential"]');
    await vi.waitFor(() => {
      expect(text(credential)).toContain("No credential it can use with Anthropic");
    });
    expect(credential?.querySelector("a")?.getAttribute("href")).toBe(
      "/account/agent-credentials#agent-chat",
    );

    kind.value = "CLAUDE_CODE";
    kind.dispatchEvent(new Event("change", { bubbles: true }));
    await vi.waitFor(() => {
      expect(text(credential)).toBe(
        "First message uses your Claude subscription token (••••abcd).",
      );
    });
    const provider = root.querySelector<HTMLSelectElement>("#agent-provider");
    expect([...(provider?.options ?? [])].map((option) => option.text)).toEqual(["Anthropic"]);
    expect(provider?.disabled).toBe(true);

    kind.value = "CODEX";
    kind.dispatchEvent(new Event("change", { bubbles: true }));
    await vi.waitFor(() => {
      expect(provider?.value).toBe("OPENAI");
    });
    expect(root.querySelector("#agent-model")?.getAttribute("placeholder")).toBe("e.g. gpt-5");
    expect(asked.filter((name) => name === "Registry")).toHaveLength(1);
  });
});
