import { useLocation, useNavigate } from "@solidjs/router";
import { Provider as UrqlProvider } from "@urql/solid";
import {
  createContext,
  createEffect,
  createMemo,
  createSignal,
  on,
  onCleanup,
  Show,
  useContext,
  type Accessor,
  type JSX,
} from "solid-js";
import { MeDocument, SignOutDocument, type Role } from "../gql/graphql.js";
import { apiEndpoints } from "../lib/api-url.js";
import { createApiClient } from "../lib/client.js";
import { isUnauthenticated } from "../lib/errors.js";

export interface Viewer {
  readonly id: string;
  readonly email: string;
  readonly role: Role;
}

/** checking: a stored token is being verified (nothing is shown as signed in or out yet). */
export type AuthStatus = "checking" | "signed-in" | "signed-out" | "unreachable";

export interface Auth {
  readonly status: Accessor<AuthStatus>;
  readonly viewer: Accessor<Viewer | undefined>;
  /** Why the person was sent to sign in (an ended session), shown once on the sign-in page. */
  readonly notice: Accessor<string | undefined>;
  signedIn(token: string, viewer: Viewer): void;
  signOut(): Promise<void>;
  /** Verifies the stored token again (after the api was unreachable). */
  retry(): void;
}

export const TOKEN_STORAGE_KEY = "agentry.token";

const AuthContext = createContext<Auth>();

export function useAuth(): Auth {
  const auth = useContext(AuthContext);
  if (auth === undefined) throw new Error("useAuth outside AuthProvider");
  return auth;
}

function readToken(): string | null {
  try {
    return localStorage.getItem(TOKEN_STORAGE_KEY);
  } catch {
    return null;
  }
}

function writeToken(token: string | null): void {
  try {
    if (token === null) localStorage.removeItem(TOKEN_STORAGE_KEY);
    else localStorage.setItem(TOKEN_STORAGE_KEY, token);
  } catch {
    // Private mode without storage: the sign-in lasts until the tab closes.
  }
}

/**
 * Holds the sign-in (the token in localStorage, so it survives a reload) and the urql client
 * for it. A new token means a new client: a fresh cache and a socket authenticated as that user.
 */
export function AuthProvider(props: { readonly children?: JSX.Element }): JSX.Element {
  const navigate = useNavigate();
  const location = useLocation();
  const endpoints = apiEndpoints(
    import.meta.env["VITE_API_URL"] as string | undefined,
    window.location.origin,
  );
  const [token, setToken] = createSignal(readToken());
  const [viewer, setViewer] = createSignal<Viewer>();
  const [status, setStatus] = createSignal<AuthStatus>(
    token() === null ? "signed-out" : "checking",
  );
  const [notice, setNotice] = createSignal<string>();
  const [attempt, setAttempt] = createSignal(0);

  const expire = (): void => {
    if (token() === null) return;
    writeToken(null);
    setToken(null);
    setViewer(undefined);
    setStatus("signed-out");
    setNotice("Your sign-in has ended — sign in again.");
    const here = location.pathname + location.search;
    navigate(here === "/" ? "/sign-in" : `/sign-in?next=${encodeURIComponent(here)}`, {
      replace: true,
    });
  };

  const api = createMemo(() => {
    const created = createApiClient({ endpoints, token: token(), onUnauthenticated: expire });
    onCleanup(() => {
      created.dispose();
    });
    return created;
  });

  // A stored token is checked once per client (and on retry); a fresh sign-in needs no check.
  createEffect(
    on([api, attempt], ([current]) => {
      if (token() === null || viewer() !== undefined) return;
      setStatus("checking");
      void current.client
        .query(MeDocument, {}, { requestPolicy: "network-only" })
        .toPromise()
        .then((result) => {
          if (current !== api()) return;
          if (result.data) {
            setViewer(result.data.me);
            setStatus("signed-in");
          } else if (result.error && isUnauthenticated(result.error)) {
            expire();
          } else {
            setStatus("unreachable");
          }
        });
    }),
  );

  // Signing in or out in another tab applies here too.
  const onStorage = (event: StorageEvent): void => {
    if (event.key !== TOKEN_STORAGE_KEY || event.newValue === token()) return;
    setViewer(undefined);
    setToken(event.newValue);
    setStatus(event.newValue === null ? "signed-out" : "checking");
  };
  window.addEventListener("storage", onStorage);
  onCleanup(() => {
    window.removeEventListener("storage", onStorage);
  });

  const auth: Auth = {
    status,
    viewer,
    notice,
    signedIn(newToken, newViewer) {
      writeToken(newToken);
      setNotice(undefined);
      setViewer(newViewer);
      setStatus("signed-in");
      setToken(newToken);
    },
    async signOut() {
      // Revoke the token on the server; signed out here whatever the answer.
      await api().client.mutation(SignOutDocument, {}).toPromise();
      writeToken(null);
      setViewer(undefined);
      setStatus("signed-out");
      setToken(null);
      navigate("/sign-in", { replace: true });
    },
    retry() {
      setAttempt((n) => n + 1);
    },
  };

  return (
    <AuthContext.Provider value={auth}>
      <Show when={api()} keyed>
        {(current) => <UrqlProvider value={current.client}>{props.children}</UrqlProvider>}
      </Show>
    </AuthContext.Provider>
  );
}
