import { Show, type JSX } from "solid-js";
import type { CredentialFieldsFragment } from "../gql/graphql.js";
import { formatDateTime, maskedHint } from "../lib/format.js";
import { useRegistry } from "../registry/registry-context.js";

/** A stored credential's metadata: its hint (never the secret), kind and dates. */
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
        <dt>Added</dt>
        <dd>{formatDateTime(props.credential.createdAt)}</dd>
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
      <Show when={props.credential.expiresAt}>
        <div>
          <dt>Expires</dt>
          <dd>{formatDateTime(props.credential.expiresAt)}</dd>
        </div>
      </Show>
    </dl>
  );
}
