import { A, Navigate, useParams } from "@solidjs/router";
import { Match, Switch, type JSX } from "solid-js";
import { Page } from "../ui/page.js";
import { TabNav } from "../ui/tab-nav.js";
import { UsageStatsTab } from "../usage/usage-stats-tab.js";
import { ProviderKeyTab } from "./provider-key-tab.js";

/** Session Settings: the Provider API Key tab and the Usage Stats tab. */
export function SessionSettingsPage(): JSX.Element {
  const params = useParams<{ id: string; tab?: string }>();
  const base = (): string => `/sessions/${params.id}/settings`;
  return (
    <Page
      title="Session Settings"
      actions={
        <A href={`/sessions/${params.id}`} class="button">
          Back to session
        </A>
      }
    >
      <TabNav
        label="Session settings"
        tabs={[
          { href: `${base()}/key`, label: "Provider API Key" },
          { href: `${base()}/usage`, label: "Usage Stats" },
        ]}
      />
      <Switch fallback={<Navigate href={`${base()}/key`} />}>
        <Match when={params.tab === "key"}>
          <ProviderKeyTab sessionId={params.id} />
        </Match>
        <Match when={params.tab === "usage"}>
          <UsageStatsTab sessionId={params.id} />
        </Match>
      </Switch>
    </Page>
  );
}
