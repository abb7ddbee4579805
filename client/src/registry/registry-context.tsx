import { createQuery } from "@urql/solid";
import { createContext, createMemo, Match, Switch, useContext, type JSX } from "solid-js";
import { RegistryDocument } from "../gql/graphql.js";
import { problemFrom } from "../lib/errors.js";
import { Loading } from "../ui/loading.js";
import { ProblemNotice } from "../ui/problem-notice.js";
import { createRegistry, type Registry } from "./registry.js";

const RegistryContext = createContext<Registry>();

/** The registry, for any screen behind sign-in. */
export function useRegistry(): Registry {
  const registry = useContext(RegistryContext);
  if (registry === undefined) throw new Error("useRegistry outside RegistryProvider");
  return registry;
}

/**
 * Asks the api for its registry once (urql keeps it for the sign-in) and holds what is inside
 * until it is there: every signed-in screen names providers and agents from it.
 */
export function RegistryProvider(props: { readonly children?: JSX.Element }): JSX.Element {
  const [result, refetch] = createQuery({ query: RegistryDocument });
  const registry = createMemo(() => (result.data ? createRegistry(result.data) : undefined));
  return (
    <Switch>
      <Match when={registry()}>
        {(current) => (
          <RegistryContext.Provider value={current()}>{props.children}</RegistryContext.Provider>
        )}
      </Match>
      <Match when={result.error}>
        {(error) => (
          <div>
            <ProblemNotice problem={problemFrom(error())} />
            <p>
              <button
                type="button"
                class="button button-small"
                onClick={() => {
                  refetch({ requestPolicy: "network-only" });
                }}
              >
                Try again
              </button>
            </p>
          </div>
        )}
      </Match>
      <Match when={true}>
        <Loading label="Loading…" />
      </Match>
    </Switch>
  );
}
