import { Navigate, useLocation, useParams } from "@solidjs/router";
import { createQuery } from "@urql/solid";
import { createEffect, For, Match, on, Show, Switch, type JSX } from "solid-js";
import {
  AccountCredentialsDocument,
  type CredentialFieldsFragment,
  type CredentialKind,
  type Provider,
} from "../gql/graphql.js";
import { problemFrom } from "../lib/errors.js";
import { useRegistry } from "../registry/registry-context.js";
import { agentPanelId, type AgentKindInfo } from "../registry/registry.js";
import { Loading } from "../ui/loading.js";
import { Page } from "../ui/page.js";
import { ProblemNotice } from "../ui/problem-notice.js";
import { Steps } from "../ui/steps.js";
import { TabNav } from "../ui/tab-nav.js";
import { AccessTokensTab } from "../tokens/access-tokens.js";
import { checkFor } from "./credential-checks.js";
import { CredentialSlot } from "./credential-slot.js";
import { MonthlyBudgetLine } from "./monthly-budget-line.js";
import { CodeSignInFlow, DeviceSignInFlow } from "./sign-in-flows.js";

const CREDENTIAL_TYPES = { additionalTypenames: ["CredentialInfo"] };

const TABS = ["api-keys", "agent-credentials", "access-tokens"];

type Find = (provider: Provider, kind: CredentialKind) => CredentialFieldsFragment | undefined;

/** Account settings: API keys per provider, the credentials of each agent kind, access tokens. */
export function AccountPage(): JSX.Element {
  const params = useParams<{ tab?: string }>();
  const [result, refetch] = createQuery({
    query: AccountCredentialsDocument,
    context: CREDENTIAL_TYPES,
    requestPolicy: "cache-and-network",
  });
  const find: Find = (provider, kind) =>
    result.data?.accountCredentials.find((c) => c.provider === provider && c.kind === kind);
  const refresh = (): void => {
    refetch({ requestPolicy: "network-only" });
  };

  return (
    <Page title="Account settings">
      <TabNav
        label="Account settings"
        tabs={[
          { href: "/account/api-keys", label: "API Keys" },
          { href: "/account/agent-credentials", label: "Agent Credentials" },
          { href: "/account/access-tokens", label: "Access tokens" },
        ]}
      />
      <Switch>
        <Match when={!TABS.includes(params.tab ?? "")}>
          <Navigate href="/account/api-keys" />
        </Match>
        <Match when={params.tab === "access-tokens"}>
          <AccessTokensTab />
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
          <AgentCredentialsTab find={find} refresh={refresh} />
        </Match>
      </Switch>
    </Page>
  );
}

/** Pay-per-token keys, one slot per provider that has them (the registry says which). */
function ApiKeysTab(props: { readonly find: Find }): JSX.Element {
  const registry = useRegistry();
  const apiKeys = () =>
    registry.providers.flatMap((info) =>
      info.credentialFormats
        .filter((format) => format.kind === "API_KEY")
        .map((format) => ({ provider: info.provider, format })),
    );
  return (
    <section class="tab-panel" aria-labelledby="api-keys-title">
      <h2 id="api-keys-title">API Keys</h2>
      <p class="muted">
        Pay-per-token keys, used by your agents in every session that has no key of its own for the
        provider. Stored encrypted; only the last characters are ever shown.
      </p>
      <MonthlyBudgetLine />
      <div class="slots">
        <For each={apiKeys()}>
          {(entry) => (
            <CredentialSlot
              id={`api-key-${entry.provider.toLowerCase()}`}
              title={entry.format.name}
              provider={entry.provider}
              kind="API_KEY"
              stored={props.find(entry.provider, "API_KEY")}
              check={checkFor(entry.provider, "API_KEY", entry.format)}
              secretLabel={entry.format.inputLabel}
              placeholder={entry.format.placeholder}
            />
          )}
        </For>
      </div>
    </section>
  );
}

/**
 * One panel per agent kind, from the registry: what it runs with, in the order a message picks
 * them, each with how to get it and a slot to save, replace or remove it. A credential several
 * agents can use (an Anthropic API key) is one credential, shown in each of their panels.
 */
function AgentCredentialsTab(props: {
  readonly find: Find;
  readonly refresh: () => void;
}): JSX.Element {
  const registry = useRegistry();
  const location = useLocation();
  // A link to one agent's panel (#agent-claude-code, from a refused message) scrolls to it.
  createEffect(
    on(
      () => location.hash,
      (hash) => {
        const target = hash === "" ? null : document.getElementById(hash.slice(1));
        target?.scrollIntoView({ block: "start" });
        target?.focus({ preventScroll: true });
      },
    ),
  );
  return (
    <section class="tab-panel" aria-labelledby="agent-credentials-title">
      <h2 id="agent-credentials-title">Agent Credentials</h2>
      <p class="muted">
        What each agent runs with. A message uses the first credential listed for its agent that is
        set; a session's own key for the provider comes before all of them.
      </p>
      <div class="slots">
        <For each={registry.agentKinds}>
          {(agent) => <AgentPanel agent={agent} find={props.find} refresh={props.refresh} />}
        </For>
      </div>
    </section>
  );
}

/**
 * The sign-in the platform runs for a credential, where the provider has one: OpenAI's device
 * code for a ChatGPT subscription (Codex, OpenCode), Anthropic's code flow for Claude Code's.
 */
function signInFor(
  agent: AgentKindInfo,
  provider: Provider,
  kind: CredentialKind,
  refresh: () => void,
): JSX.Element | undefined {
  if (kind !== "SUBSCRIPTION") return undefined;
  if (provider === "OPENAI" && (agent.kind === "CODEX" || agent.kind === "OPENCODE")) {
    return <DeviceSignInFlow agentKind={agent.kind} label="ChatGPT" onStored={refresh} />;
  }
  if (provider === "ANTHROPIC" && agent.kind === "CLAUDE_CODE") {
    return <CodeSignInFlow agentKind={agent.kind} label="Claude" onStored={refresh} />;
  }
  return undefined;
}

function AgentPanel(props: {
  readonly agent: AgentKindInfo;
  readonly find: Find;
  readonly refresh: () => void;
}): JSX.Element {
  const registry = useRegistry();
  const location = useLocation();
  const id = (): string => agentPanelId(props.agent.kind);
  return (
    <details
      open
      class="card agent-panel"
      classList={{ "agent-panel-target": location.hash === `#${id()}` }}
      id={id()}
      tabIndex={-1}
      aria-labelledby={`${id()}-title`}
      data-testid={id()}
    >
      <summary>
        <h3 id={`${id()}-title`}>{props.agent.label}</h3>
      </summary>
      <div class="agent-panel-body">
        <p class="muted">{props.agent.description}</p>
        <Show when={!props.agent.runnable}>
          <p class="muted">Not available to spawn yet.</p>
        </Show>
        <For each={props.agent.setup}>
          {(entry, index) => {
            const format = registry.credentialFormat(entry.provider, entry.kind);
            return (
              <Show when={format}>
                {(shown) => (
                  <CredentialSlot
                    id={`${id()}-${entry.provider.toLowerCase()}-${entry.kind.toLowerCase()}`}
                    title={`${index() + 1}. ${shown().name}`}
                    headingLevel={4}
                    provider={entry.provider}
                    kind={entry.kind}
                    stored={props.find(entry.provider, entry.kind)}
                    check={checkFor(entry.provider, entry.kind, shown())}
                    secretLabel={shown().inputLabel}
                    placeholder={shown().placeholder}
                    multiline={shown().multiline}
                    signIn={signInFor(props.agent, entry.provider, entry.kind, props.refresh)}
                    saveLabel="Save Credentials"
                    removeLabel="Remove Credentials"
                  >
                    <Steps steps={entry.steps} />
                  </CredentialSlot>
                )}
              </Show>
            );
          }}
        </For>
      </div>
    </details>
  );
}
