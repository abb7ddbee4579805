import { useNavigate } from "@solidjs/router";
import { createMutation, createQuery } from "@urql/solid";
import { createSignal, For, Match, Show, Switch, type JSX } from "solid-js";
import { useAuth } from "../auth/auth.js";
import {
  AddSessionMemberDocument,
  RemoveSessionMemberDocument,
  SessionManageDocument,
  type MemberRole,
  type SessionManageQuery,
} from "../gql/graphql.js";
import { problemFrom, type Problem } from "../lib/errors.js";
import { formatDateTime } from "../lib/format.js";
import { ConfirmDialog } from "../ui/confirm-dialog.js";
import { Field } from "../ui/field.js";
import { Loading } from "../ui/loading.js";
import { ProblemNotice } from "../ui/problem-notice.js";

type Member = NonNullable<SessionManageQuery["session"]>["members"][number];

const SESSION_TYPES = { additionalTypenames: ["Session"] };
const ROLE_LABELS = { OWNER: "Owner", EDITOR: "Editor", VIEWER: "Viewer" } as const;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Session Settings → Members: who shares the session and as what (editors run agents, viewers
 * read). The owner adds people by email and removes them; anyone else may leave.
 */
export function MembersTab(props: { readonly sessionId: string }): JSX.Element {
  const auth = useAuth();
  const navigate = useNavigate();
  const [session, refetch] = createQuery({
    query: SessionManageDocument,
    variables: () => ({ id: props.sessionId }),
    context: SESSION_TYPES,
    requestPolicy: "cache-and-network",
  });
  const [, add] = createMutation(AddSessionMemberDocument);
  const [, remove] = createMutation(RemoveSessionMemberDocument);
  const [email, setEmail] = createSignal("");
  const [role, setRole] = createSignal<MemberRole>("EDITOR");
  const [busy, setBusy] = createSignal(false);
  const [problem, setProblem] = createSignal<Problem>();
  const [done, setDone] = createSignal<string>();
  const [removing, setRemoving] = createSignal<Member>();

  const isOwner = (): boolean => session.data?.session?.viewerRole === "OWNER";
  const isSelf = (member: Member): boolean => member.userId === auth.viewer()?.id;

  const submit = async (event: SubmitEvent): Promise<void> => {
    event.preventDefault();
    setDone(undefined);
    const wanted = email().trim();
    if (!EMAIL.test(wanted)) {
      setProblem({
        code: "BAD_USER_INPUT",
        title: "Enter the person's email address.",
        field: "email",
      });
      return;
    }
    setBusy(true);
    setProblem(undefined);
    const result = await add(
      { sessionId: props.sessionId, email: wanted, role: role() },
      SESSION_TYPES,
    );
    setBusy(false);
    if (result.error) {
      setProblem({ ...problemFrom(result.error), field: "email" });
    } else {
      setEmail("");
      setDone(`${wanted} is now ${role() === "EDITOR" ? "an editor" : "a viewer"}.`);
    }
  };

  const confirmRemove = async (member: Member): Promise<void> => {
    setBusy(true);
    const result = await remove(
      { sessionId: props.sessionId, userId: member.userId },
      SESSION_TYPES,
    );
    setBusy(false);
    setRemoving(undefined);
    if (result.error) {
      setProblem(problemFrom(result.error));
    } else if (isSelf(member)) {
      navigate("/", { replace: true }); // left: the session is no longer theirs to see
    } else {
      setDone(`${member.email} was removed.`);
      refetch({ requestPolicy: "network-only" });
    }
  };

  return (
    <section class="tab-panel" aria-labelledby="members-title">
      <h2 id="members-title">Members</h2>
      <p class="muted">
        Editors run agents in this session with its keys; viewers read its conversations and usage.
      </p>
      <Show when={done()}>
        <p class="notice notice-success" role="status">
          {done()}
        </p>
      </Show>
      <Show when={problem() !== undefined && problem()?.field === undefined}>
        <ProblemNotice problem={problem() as Problem} />
      </Show>
      <Switch>
        <Match when={session.data === undefined && session.error}>
          {(error) => <ProblemNotice problem={problemFrom(error())} />}
        </Match>
        <Match when={session.data === undefined}>
          <Loading label="Loading the members…" />
        </Match>
        <Match when={session.data?.session}>
          {(found) => (
            <>
              <div class="table-scroll" role="region" aria-label="Members table" tabIndex={0}>
                <table class="table" data-testid="members">
                  <caption class="visually-hidden">Members of {found().name}</caption>
                  <thead>
                    <tr>
                      <th scope="col">Email</th>
                      <th scope="col">Role</th>
                      <th scope="col">Since</th>
                      <th scope="col">
                        <span class="visually-hidden">Actions</span>
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    <For each={found().members}>
                      {(member) => (
                        <tr>
                          <th scope="row" data-label="Email">
                            {member.email}
                            <Show when={isSelf(member)}>
                              <span class="badge">you</span>
                            </Show>
                          </th>
                          <td data-label="Role">{ROLE_LABELS[member.role]}</td>
                          <td data-label="Since">{formatDateTime(member.since)}</td>
                          <td>
                            <Show when={member.role !== "OWNER" && (isOwner() || isSelf(member))}>
                              <button
                                type="button"
                                class="button button-danger"
                                disabled={busy()}
                                aria-label={isSelf(member) ? "Leave" : `Remove ${member.email}`}
                                onClick={() => {
                                  setDone(undefined);
                                  setRemoving(member);
                                }}
                              >
                                {isSelf(member) ? "Leave" : "Remove"}
                              </button>
                            </Show>
                          </td>
                        </tr>
                      )}
                    </For>
                  </tbody>
                </table>
              </div>
              <Show when={isOwner()}>
                <form
                  class="form card add-member-form"
                  onSubmit={(event) => void submit(event)}
                  novalidate
                >
                  <h3>Add someone</h3>
                  <Field
                    label="Email"
                    id="member-email"
                    hint="They must have an account. Adding someone already here changes their role."
                    error={problem()?.field === "email" ? problem()?.title : undefined}
                  >
                    {(control) => (
                      <input
                        {...control}
                        type="email"
                        autocomplete="off"
                        value={email()}
                        onInput={(event) => setEmail(event.currentTarget.value)}
                      />
                    )}
                  </Field>
                  <Field label="Role" id="member-role">
                    {(control) => (
                      <select
                        {...control}
                        value={role()}
                        onChange={(event) => setRole(event.currentTarget.value as MemberRole)}
                      >
                        <option value="EDITOR">Editor — runs agents</option>
                        <option value="VIEWER">Viewer — reads only</option>
                      </select>
                    )}
                  </Field>
                  <div class="form-actions">
                    <button type="submit" class="button button-primary" disabled={busy()}>
                      {busy() ? "Adding…" : "Add member"}
                    </button>
                  </div>
                </form>
              </Show>
            </>
          )}
        </Match>
      </Switch>
      <ConfirmDialog
        open={removing() !== undefined}
        title={
          removing() !== undefined && isSelf(removing() as Member)
            ? "Leave this session?"
            : `Remove ${removing()?.email ?? ""}?`
        }
        confirmLabel={removing() !== undefined && isSelf(removing() as Member) ? "Leave" : "Remove"}
        busy={busy()}
        onConfirm={() => {
          const member = removing();
          if (member !== undefined) void confirmRemove(member);
        }}
        onCancel={() => {
          setRemoving(undefined);
        }}
      >
        <p>They lose access at once: their open pages stop receiving this session's events.</p>
      </ConfirmDialog>
    </section>
  );
}
