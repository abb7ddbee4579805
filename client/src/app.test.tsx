import { render } from "solid-js/web";
import { afterEach, beforeEach, expect, it, vi } from "vitest";
import { App } from "./app.js";

let dispose: (() => void) | undefined;
beforeEach(() => {
  localStorage.clear();
  history.replaceState(null, "", "/sessions/new");
});
afterEach(() => {
  dispose?.();
  vi.restoreAllMocks();
  document.body.replaceChildren();
});

it("sends someone without a stored token to sign in, remembering where they were going", async () => {
  const fetchSpy = vi.spyOn(globalThis, "fetch");
  const root = document.createElement("div");
  document.body.append(root);
  dispose = render(() => <App />, root);
  await vi.waitFor(() => {
    expect(root.querySelector("h1")?.textContent).toBe("Sign in");
  });
  expect(location.pathname).toBe("/sign-in");
  expect(new URLSearchParams(location.search).get("next")).toBe("/sessions/new");
  expect(root.querySelector<HTMLInputElement>("input[type=email]")?.labels?.[0]?.textContent).toBe(
    "Email",
  );
  // Nothing signed-in was shown or fetched on the way.
  expect(root.textContent).not.toContain("Sign out");
  expect(fetchSpy).not.toHaveBeenCalled();
});
