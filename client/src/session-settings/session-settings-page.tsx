import { A, Navigate, useParams } from "@solidjs/router";
import { Match, Switch, type JSX } from "solid-js";
import { Page } from "../ui/page.js";
import { TabNav } from "../ui/tab-nav.js";
import { UsageStatsTab } from "../usage/usage-stats-tab.js";
import { GeneralTab } from "./general-tab.js";
import { MembersTab } from "./members-tab.js";
import { ProviderKeyTab } from "./provider-key-tab.js";

/** Session Settings: its key, usage, members, and (General) its name, budget and deletion. */
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
          { href: `${base()}/members`, label: "Members" },
          { href: `${base()}/general`, label: "General" },
        ]}
      />
      <Switch fallback={<Navigate href={`${base()}/key`} />}>
        <Match when={params.tab === "key"}>
          <ProviderKeyTab sessionId={params.id} />
        </Match>
        <Match when={params.tab === "usage"}>
          <UsageStatsTab sessionId={params.id} />
        </Match>
        <Match when={params.tab === "members"}>
          <MembersTab sessionId={params.id} />
        </Match>
        <Match when={params.tab === "general"}>
          <GeneralTab sessionId={params.id} />
        </Match>
      </Switch>
    </Page>
  );
}
