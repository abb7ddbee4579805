import { For, Show, type JSX } from "solid-js";
import type { CredentialFieldsFragment, CredentialStatus } from "../gql/graphql.js";
import { formatDateTime, maskedHint } from "../lib/format.js";
import { useRegistry } from "../registry/registry-context.js";
import { codeSpans } from "./steps.js";

const STATUS_LABELS: Record<CredentialStatus, string> = {
  VALID: "Valid",
  EXPIRING: "Expires soon",
  EXPIRED: "Expired",
  REFUSED: "Refused",
};

const DAY_MS = 24 * 3600 * 1000;

/** "set today", "set 1 day ago", "set 120 days ago": how old the secret is. */
export function ageOf(secretSetAt: string, now = Date.now()): string {
  const days = Math.floor((now - Date.parse(secretSetAt)) / DAY_MS);
  if (!Number.isFinite(days)) return "—";
  if (days <= 0) return "set today";
  return `set ${days.toLocaleString("en-US")} day${days === 1 ? "" : "s"} ago`;
}

/**
 * A stored credential's metadata: its hint (never the secret), kind, status and dates; when it is
 * expired or refused, what to run to get a fresh one.
 */
export function CredentialSummary(props: {
  readonly credential: CredentialFieldsFragment;
}): JSX.Element {
  const registry = useRegistry();
  return (
    <dl class="credential">
      <div>
        <dt>Key</dt>
        <dd>
          <code class="hint" data-testid="credential-hint">
            {maskedHint(props.credential.hint)}
          </code>{" "}
          <span class="badge">
            {registry.credentialName(props.credential.provider, props.credential.kind)}
          </span>
        </dd>
      </div>
      <div>
        <dt>Status</dt>
        <dd>
          <span
            class={`badge credential-status credential-status-${props.credential.status.toLowerCase()}`}
            data-testid="credential-status"
          >
            {STATUS_LABELS[props.credential.status]}
          </span>
          <Show when={props.credential.refreshable}>
            <span class="muted"> renewed with its refresh token before it expires</span>
          </Show>
        </dd>
      </div>
      <div>
        <dt>Added</dt>
        <dd>{formatDateTime(props.credential.createdAt)}</dd>
      </div>
      <div>
        <dt>Age</dt>
        <dd data-testid="credential-age">
          {ageOf(props.credential.secretSetAt)}
          <Show when={props.credential.rotationDue}>
            {" "}
            <span class="badge credential-rotate" data-testid="credential-rotate">
              Rotate it
            </span>
          </Show>
        </dd>
      </div>
      <Show when={props.credential.version > 1}>
        <div>
          <dt>Replaced</dt>
          <dd>{formatDateTime(props.credential.updatedAt)}</dd>
        </div>
      </Show>
      <div>
        <dt>Last used</dt>
        <dd>
          {props.credential.lastUsedAt ? formatDateTime(props.credential.lastUsedAt) : "Never"}
        </dd>
      </div>
      <Show when={props.credential.refusedAt}>
        {(refusedAt) => (
          <div class="credential-refused" data-testid="credential-refused">
            <dt>Refused</dt>
            <dd>
              The provider refused it on {formatDateTime(refusedAt())} — replace it with a fresh
              one.
            </dd>
          </div>
        )}
      </Show>
      <Show when={props.credential.fix}>
        {(fix) => (
          <div class="credential-fix" data-testid="credential-fix">
            <dt>To fix</dt>
            <dd>
              <For each={codeSpans(fix())}>
                {(part) => (part.code ? <code>{part.text}</code> : part.text)}
              </For>
            </dd>
          </div>
        )}
      </Show>
      <Show when={props.credential.expiresAt}>
        <div>
          <dt>
            {Date.parse(props.credential.expiresAt ?? "") < Date.now() ? "Expired" : "Expires"}
          </dt>
          <dd>{formatDateTime(props.credential.expiresAt)}</dd>
        </div>
      </Show>
    </dl>
  );
}
