import { A, Navigate, useParams } from "@solidjs/router";
import { createQuery } from "@urql/solid";
import { For, Match, Show, Switch, type JSX } from "solid-js";
import {
  AccountCredentialsDocument,
  type CredentialFieldsFragment,
  type CredentialKind,
  type Provider,
} from "../gql/graphql.js";
import { problemFrom } from "../lib/errors.js";
import { PROVIDER_LABELS } from "../lib/labels.js";
import { Loading } from "../ui/loading.js";
import { Page } from "../ui/page.js";
import { ProblemNotice } from "../ui/problem-notice.js";
import { TabNav } from "../ui/tab-nav.js";
import {
  checkAnthropicApiKey,
  checkClaudeCodeToken,
  checkCodexAuthJson,
  checkCopilotToken,
  checkGeminiApiKey,
  checkOpenAiApiKey,
  type CredentialCheck,
} from "./credential-checks.js";
import { CredentialSlot } from "./credential-slot.js";

const CREDENTIAL_TYPES = { additionalTypenames: ["CredentialInfo"] };

type Find = (provider: Provider, kind: CredentialKind) => CredentialFieldsFragment | undefined;

/** Account settings: API keys per provider, and subscription credentials per agent. */
export function AccountPage(): JSX.Element {
  const params = useParams<{ tab?: string }>();
  const [result] = createQuery({
    query: AccountCredentialsDocument,
    context: CREDENTIAL_TYPES,
    requestPolicy: "cache-and-network",
  });
  const find: Find = (provider, kind) =>
    result.data?.accountCredentials.find((c) => c.provider === provider && c.kind === kind);

  return (
    <Page title="Account settings">
      <TabNav
        label="Account settings"
        tabs={[
          { href: "/account/api-keys", label: "API Keys" },
          { href: "/account/agent-credentials", label: "Agent Credentials" },
        ]}
      />
      <Switch>
        <Match when={params.tab !== "api-keys" && params.tab !== "agent-credentials"}>
          <Navigate href="/account/api-keys" />
        </Match>
        <Match when={result.data === undefined && result.error}>
          {(error) => <ProblemNotice problem={problemFrom(error())} />}
        </Match>
        <Match when={result.data === undefined}>
          <Loading label="Loading your credentials…" />
        </Match>
        <Match when={params.tab === "api-keys"}>
          <ApiKeysTab find={find} />
        </Match>
        <Match when={params.tab === "agent-credentials"}>
          <AgentCredentialsTab find={find} />
        </Match>
      </Switch>
    </Page>
  );
}

const API_KEY_PROVIDERS: readonly {
  provider: Provider;
  check: CredentialCheck;
  placeholder: string;
}[] = [
  { provider: "ANTHROPIC", check: checkAnthropicApiKey, placeholder: "sk-ant-api03-…" },
  { provider: "OPENAI", check: checkOpenAiApiKey, placeholder: "sk-…" },
  { provider: "GEMINI", check: checkGeminiApiKey, placeholder: "AIza…" },
];

function ApiKeysTab(props: { readonly find: Find }): JSX.Element {
  return (
    <section class="tab-panel" aria-labelledby="api-keys-title">
      <h2 id="api-keys-title">API Keys</h2>
      <p class="muted">
        Pay-per-token keys, used by your agents in every session that has no key of its own for the
        provider. Stored encrypted; only the last characters are ever shown.
      </p>
      <div class="slots">
        <For each={API_KEY_PROVIDERS}>
          {(entry) => (
            <CredentialSlot
              id={`api-key-${entry.provider.toLowerCase()}`}
              title={`${PROVIDER_LABELS[entry.provider]} API key`}
              provider={entry.provider}
              kind="API_KEY"
              stored={props.find(entry.provider, "API_KEY")}
              check={entry.check}
              secretLabel="API key"
              placeholder={entry.placeholder}
            />
          )}
        </For>
      </div>
    </section>
  );
}

function AgentCredentialsTab(props: { readonly find: Find }): JSX.Element {
  const have = (provider: Provider, kind: CredentialKind): boolean =>
    props.find(provider, kind) !== undefined;
  return (
    <section class="tab-panel" aria-labelledby="agent-credentials-title">
      <h2 id="agent-credentials-title">Agent Credentials</h2>
      <p class="muted">
        Subscription sign-ins for the coding agents. An agent uses your subscription before your API
        key for the same provider; a session's own key comes before both.
      </p>
      <div class="slots">
        <CredentialSlot
          id="agent-claude-code"
          title="Claude Code"
          provider="ANTHROPIC"
          kind="SUBSCRIPTION"
          stored={props.find("ANTHROPIC", "SUBSCRIPTION")}
          check={checkClaudeCodeToken}
          secretLabel="Claude Code token"
          placeholder="sk-ant-oat01-…"
        >
          <ol class="steps">
            <li>
              On a machine where you use Claude Code, run <code>claude setup-token</code> and sign
              in with your Claude subscription.
            </li>
            <li>
              Paste the token it prints (it starts with <code>sk-ant-oat01-</code>).
            </li>
          </ol>
        </CredentialSlot>
        <CredentialSlot
          id="agent-codex"
          title="Codex"
          provider="OPENAI"
          kind="SUBSCRIPTION"
          stored={props.find("OPENAI", "SUBSCRIPTION")}
          check={checkCodexAuthJson}
          secretLabel="Contents of auth.json"
          placeholder='{"auth_mode": "chatgpt", "tokens": { … } }'
          multiline
        >
          <ol class="steps">
            <li>
              Run <code>codex login</code> and sign in with ChatGPT.
            </li>
            <li>
              Paste the whole contents of <code>~/.codex/auth.json</code> (Codex refreshes the
              tokens in it as it runs).
            </li>
          </ol>
        </CredentialSlot>
        <CredentialSlot
          id="agent-copilot"
          title="GitHub Copilot"
          provider="GITHUB_COPILOT"
          kind="SUBSCRIPTION"
          stored={props.find("GITHUB_COPILOT", "SUBSCRIPTION")}
          check={checkCopilotToken}
          secretLabel="GitHub token"
          placeholder="github_pat_…"
        >
          <ol class="steps">
            <li>
              On GitHub, create a fine-grained personal access token with the{" "}
              <strong>Copilot Requests</strong> permission (Settings → Developer settings → Personal
              access tokens), on an account with a Copilot plan.
            </li>
            <li>
              Paste it here (it starts with <code>github_pat_</code>; <code>gho_</code> and{" "}
              <code>ghu_</code> tokens work too, classic <code>ghp_</code> tokens do not).
            </li>
          </ol>
        </CredentialSlot>
        <article
          class="card credential-slot"
          aria-labelledby="agent-opencode-title"
          data-testid="agent-opencode"
        >
          <h3 id="agent-opencode-title">OpenCode</h3>
          <p>
            OpenCode signs in with the credential of the provider it is spawned with — nothing extra
            to paste. What it can use now:
          </p>
          <ul class="availability">
            <Availability
              label="Anthropic (Claude subscription or API key)"
              ok={have("ANTHROPIC", "SUBSCRIPTION") || have("ANTHROPIC", "API_KEY")}
            />
            <Availability
              label="OpenAI (Codex sign-in or API key)"
              ok={have("OPENAI", "SUBSCRIPTION") || have("OPENAI", "API_KEY")}
            />
            <Availability
              label="GitHub Copilot (GitHub token)"
              ok={have("GITHUB_COPILOT", "SUBSCRIPTION")}
            />
            <Availability label="Gemini (API key)" ok={have("GEMINI", "API_KEY")} />
          </ul>
        </article>
        <article
          class="card credential-slot"
          aria-labelledby="agent-gemini-title"
          data-testid="agent-gemini"
        >
          <h3 id="agent-gemini-title">Gemini CLI</h3>
          <p>
            Gemini CLI runs with an API key only; there is no subscription sign-in to add.{" "}
            <Show
              when={have("GEMINI", "API_KEY")}
              fallback={<A href="/account/api-keys">Add a Gemini API key</A>}
            >
              It uses your Gemini API key (<A href="/account/api-keys">API Keys</A>).
            </Show>
          </p>
        </article>
      </div>
    </section>
  );
}

function Availability(props: { readonly label: string; readonly ok: boolean }): JSX.Element {
  return (
    <li classList={{ available: props.ok }}>
      <span aria-hidden="true">{props.ok ? "✓" : "–"}</span> {props.label}:{" "}
      {props.ok ? "ready" : "not set"}
    </li>
  );
}
