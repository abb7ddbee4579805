import {
  A,
  Navigate,
  Route,
  Router,
  useLocation,
  useSearchParams,
  type RouteSectionProps,
} from "@solidjs/router";
import { Match, Show, Switch, type JSX } from "solid-js";
import { AccountPage } from "./account/account-page.js";
import { AdminPage } from "./admin/admin-page.js";
import { AuthProvider, useAuth } from "./auth/auth.js";
import { safeNext, SignInPage } from "./auth/sign-in-page.js";
import { RegistryProvider } from "./registry/registry-context.js";
import { SessionSettingsPage } from "./session-settings/session-settings-page.js";
import { NewSessionPage } from "./sessions/new-session-page.js";
import { SessionPage } from "./sessions/session-page.js";
import { SessionsPage } from "./sessions/sessions-page.js";
import { AccountMenu } from "./ui/account-menu.js";
import { Loading } from "./ui/loading.js";
import { Page } from "./ui/page.js";

function Header(): JSX.Element {
  const auth = useAuth();
  const location = useLocation();
  const inSessions = (): boolean =>
    location.pathname === "/" || location.pathname.startsWith("/sessions");
  return (
    <header class="app-header">
      <A href="/" class="brand" end>
        Agentry
      </A>
      <Show when={auth.viewer()}>
        {(viewer) => (
          <>
            <nav class="app-nav" aria-label="Main">
              <A href="/" end classList={{ "nav-active": inSessions() }}>
                Sessions
              </A>
              <A href="/account" activeClass="nav-active">
                Account
              </A>
              <Show when={viewer().role === "ADMIN"}>
                <A href="/admin" activeClass="nav-active">
                  Admin
                </A>
              </Show>
            </nav>
            <div class="app-user">
              <AccountMenu email={viewer().email} onSignOut={() => void auth.signOut()} />
            </div>
          </>
        )}
      </Show>
    </header>
  );
}

function Shell(props: RouteSectionProps): JSX.Element {
  return (
    <AuthProvider>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <Header />
      <main id="main" class="app-main">
        {props.children}
      </main>
    </AuthProvider>
  );
}

/** Pages behind sign-in: nothing is shown until a stored token has been checked. */
function RequireAuth(props: RouteSectionProps): JSX.Element {
  const auth = useAuth();
  const location = useLocation();
  const next = (): string => {
    const here = location.pathname + location.search;
    return here === "/" ? "/sign-in" : `/sign-in?next=${encodeURIComponent(here)}`;
  };
  return (
    <Switch>
      <Match when={auth.status() === "checking"}>
        <Loading label="Checking your sign-in…" />
      </Match>
      <Match when={auth.status() === "unreachable"}>
        <div class="notice notice-error" role="alert">
          <p class="notice-title">Cannot reach the server — check your connection and try again.</p>
          <p>
            <button
              type="button"
              class="button button-small"
              onClick={() => {
                auth.retry();
              }}
            >
              Try again
            </button>
          </p>
        </div>
      </Match>
      <Match when={auth.status() === "signed-out"}>
        <Navigate href={next()} />
      </Match>
      <Match when={auth.status() === "signed-in"}>
        <RegistryProvider>{props.children}</RegistryProvider>
      </Match>
    </Switch>
  );
}

/** Sign-in pages send someone signed in on: to ?next= (where they were sent from), else home. */
function GuestOnly(props: { readonly children: JSX.Element }): JSX.Element {
  const auth = useAuth();
  const [search] = useSearchParams();
  return (
    <Show
      when={auth.status() !== "signed-in"}
      fallback={<Navigate href={safeNext(search["next"])} />}
    >
      {props.children}
    </Show>
  );
}

function NotFound(): JSX.Element {
  return (
    <Page title="Page not found">
      <p>
        There is nothing here. <A href="/">Go to your sessions</A>.
      </p>
    </Page>
  );
}

/** The routes, inside the router the caller chose (the browser's, or a memory one in tests). */
export function AppRoutes(): JSX.Element {
  return (
    <>
      <Route
        path="/sign-in"
        component={() => (
          <GuestOnly>
            <SignInPage mode="signIn" />
          </GuestOnly>
        )}
      />
      <Route
        path="/sign-up"
        component={() => (
          <GuestOnly>
            <SignInPage mode="signUp" />
          </GuestOnly>
        )}
      />
      <Route path="/" component={RequireAuth}>
        <Route path="/" component={SessionsPage} />
        <Route path="/sessions/new" component={NewSessionPage} />
        <Route path="/sessions/:id" component={SessionPage} />
        <Route path="/sessions/:id/settings/:tab?" component={SessionSettingsPage} />
        <Route path="/account/:tab?" component={AccountPage} />
        <Route path="/admin" component={AdminPage} />
        <Route path="*" component={NotFound} />
      </Route>
    </>
  );
}

export function App(): JSX.Element {
  return (
    <Router root={Shell}>
      <AppRoutes />
    </Router>
  );
}
