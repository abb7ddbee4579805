import { A } from "@solidjs/router";
import { createQuery } from "@urql/solid";
import { createEffect, Match, on, Show, Switch, type JSX } from "solid-js";
import { NextCredentialDocument, type AgentKind, type Provider } from "../gql/graphql.js";
import { paths } from "../lib/errors.js";
import { formatDateTime } from "../lib/format.js";
import { useRegistry } from "../registry/registry-context.js";
import { agentCredentialsPath } from "../registry/registry.js";
import { describeChoice } from "./spawn-agent-form.js";

// Which credential changes with the session's keys, your own, and a message being refused.
const CREDENTIAL_TYPES = { additionalTypenames: ["Session", "CredentialInfo", "Message"] };

/**
 * Beside the chat: the credential this agent's next message would run with (where it comes from,
 * its last characters), a warning when the provider refused it last time, and where to change it.
 */
export function NextKey(props: {
  readonly sessionId: string;
  readonly agentKind: AgentKind;
  readonly provider: Provider;
  /** Changes as the agent's messages settle (a refusal marks the credential). */
  readonly refreshKey: unknown;
}): JSX.Element {
  const registry = useRegistry();
  const [next, refetch] = createQuery({
    query: NextCredentialDocument,
    variables: () => ({
      id: props.sessionId,
      provider: props.provider,
      agentKind: props.agentKind,
    }),
    context: CREDENTIAL_TYPES,
    requestPolicy: "cache-and-network",
  });
  createEffect(
    on(
      () => props.refreshKey,
      () => {
        refetch({ requestPolicy: "network-only" });
      },
      { defer: true },
    ),
  );
  const choice = () => next.data?.session?.nextCredential;
  const changeHref = (source: string): string =>
    source === "SESSION"
      ? paths.sessionKeySettings(props.sessionId)
      : agentCredentialsPath(props.agentKind);

  return (
    <div class="next-key" data-testid="next-key" aria-live="polite">
      <Switch>
        <Match when={choice()}>
          {(current) => (
            <>
              <span>
                Next message uses <strong>{describeChoice(registry, current())}</strong>.
              </span>{" "}
              <Show when={current().source !== "SYSTEM"}>
                <A href={changeHref(current().source)}>Change</A>
              </Show>
              <Show when={current().refusedAt}>
                {(refusedAt) => (
                  <p class="next-key-refused" role="alert" data-testid="next-key-refused">
                    The provider refused it on {formatDateTime(refusedAt())}: the next message will
                    likely fail until it is replaced.
                  </p>
                )}
              </Show>
            </>
          )}
        </Match>
        <Match when={next.data !== undefined}>
          <span class="next-key-missing">
            No credential this agent can use with {registry.providerLabel(props.provider)}: its next
            message would fail. <A href={agentCredentialsPath(props.agentKind)}>Add one</A>
          </span>
        </Match>
      </Switch>
    </div>
  );
}
