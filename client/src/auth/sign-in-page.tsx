import { A } from "@solidjs/router";
import { createMutation } from "@urql/solid";
import { createSignal, Show, type JSX } from "solid-js";
import { SignInDocument, SignUpDocument } from "../gql/graphql.js";
import { problemFrom, type Problem } from "../lib/errors.js";
import { Field } from "../ui/field.js";
import { Page } from "../ui/page.js";
import { ProblemNotice } from "../ui/problem-notice.js";
import { useAuth } from "./auth.js";

/** Where to go after signing in: an in-app path from ?next=, never another site. */
export function safeNext(next: string | string[] | undefined): string {
  const value = Array.isArray(next) ? next[0] : next;
  return value !== undefined && value.startsWith("/") && !value.startsWith("//") ? value : "/";
}

/** Sign in or sign up: email and password, with the api's refusals shown at their fields. */
export function SignInPage(props: { readonly mode: "signIn" | "signUp" }): JSX.Element {
  const auth = useAuth();
  const [, runSignIn] = createMutation(SignInDocument);
  const [, runSignUp] = createMutation(SignUpDocument);
  const [email, setEmail] = createSignal("");
  const [password, setPassword] = createSignal("");
  const [busy, setBusy] = createSignal(false);
  const [problem, setProblem] = createSignal<Problem>();
  let emailInput!: HTMLInputElement;
  let passwordInput!: HTMLInputElement;
  let formError!: HTMLDivElement;

  const signUp = (): boolean => props.mode === "signUp";
  const fieldError = (field: string): string | undefined => {
    const current = problem();
    return current?.field === field ? current.title : undefined;
  };

  const submit = async (event: SubmitEvent): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    setProblem(undefined);
    const variables = { email: email().trim(), password: password() };
    const result = signUp()
      ? await runSignUp(variables).then((r) => ({ payload: r.data?.signUp, error: r.error }))
      : await runSignIn(variables).then((r) => ({ payload: r.data?.signIn, error: r.error }));
    setBusy(false);
    const payload = result.payload;
    if (payload) {
      // Signed in, the page gives way to where the person was going (see GuestOnly).
      auth.signedIn(payload.token, payload.user);
      return;
    }
    if (result.error) {
      const described = problemFrom(result.error, { operation: props.mode });
      setProblem(described);
      // Focus where the problem is: the field it names, else the message.
      if (described.field === "email") emailInput.focus();
      else if (described.field === "password") passwordInput.focus();
      else formError.focus();
    }
  };

  return (
    <div class="auth-page">
      <Page title={signUp() ? "Create your account" : "Sign in"} focusHeading={false}>
        <form class="card form" onSubmit={(event) => void submit(event)} novalidate>
          <Show when={auth.notice() !== undefined && !signUp()}>
            <p class="notice notice-info" role="status">
              {auth.notice()}
            </p>
          </Show>
          <div ref={formError} tabIndex={-1} class="form-error-anchor">
            <Show when={problem() !== undefined && problem()?.field === undefined}>
              <ProblemNotice problem={problem() as Problem} />
            </Show>
          </div>
          <Field label="Email" id="email" error={fieldError("email")}>
            {(control) => (
              <input
                {...control}
                ref={emailInput}
                type="email"
                name="email"
                autocomplete={signUp() ? "email" : "username"}
                required
                autofocus
                value={email()}
                onInput={(event) => setEmail(event.currentTarget.value)}
              />
            )}
          </Field>
          <Field
            label="Password"
            id="password"
            error={fieldError("password")}
            hint={signUp() ? "At least 8 characters." : undefined}
          >
            {(control) => (
              <input
                {...control}
                ref={passwordInput}
                type="password"
                name="password"
                autocomplete={signUp() ? "new-password" : "current-password"}
                required
                minLength={signUp() ? 8 : undefined}
                value={password()}
                onInput={(event) => setPassword(event.currentTarget.value)}
              />
            )}
          </Field>
          <button type="submit" class="button button-primary" disabled={busy()}>
            {busy()
              ? signUp()
                ? "Creating account…"
                : "Signing in…"
              : signUp()
                ? "Create account"
                : "Sign in"}
          </button>
          <p class="form-footer">
            <Show
              when={signUp()}
              fallback={
                <>
                  No account yet? <A href="/sign-up">Create one</A>
                </>
              }
            >
              Already have an account? <A href="/sign-in">Sign in</A>
            </Show>
          </p>
        </form>
      </Page>
    </div>
  );
}
