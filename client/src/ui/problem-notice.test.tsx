import { MemoryRouter, Route } from "@solidjs/router";
import { render } from "solid-js/web";
import { afterEach, expect, it } from "vitest";
import { describeError } from "../lib/errors.js";
import { ProblemNotice } from "./problem-notice.js";

let dispose: (() => void) | undefined;
afterEach(() => {
  dispose?.();
  document.body.replaceChildren();
});

function show(problem: ReturnType<typeof describeError>): HTMLElement {
  const root = document.createElement("div");
  document.body.append(root);
  dispose = render(
    () => (
      <MemoryRouter>
        <Route path="/" component={() => <ProblemNotice problem={problem} />} />
      </MemoryRouter>
    ),
    root,
  );
  return root;
}

it("announces an invalid session key with a link to update it in Session Settings", () => {
  const root = show(
    describeError(
      {
        code: "INVALID_API_KEY",
        message: "Invalid API key — the session key was refused by Anthropic",
      },
      { sessionId: "abc", keySource: "SESSION" },
    ),
  );
  const alert = root.querySelector('[role="alert"]');
  expect(alert?.textContent).toContain(
    "Invalid API key — the session key was refused by Anthropic",
  );
  const link = alert?.querySelector("a");
  expect(link?.textContent).toBe("Update the session key");
  expect(link?.getAttribute("href")).toBe("/sessions/abc/settings/key");
});

it("shows no link when the error has no way out", () => {
  const root = show(describeError({ code: "RATE_LIMITED", message: "Slow down" }));
  expect(root.querySelector('[role="alert"]')?.textContent).toContain("Slow down");
  expect(root.querySelector("a")).toBeNull();
});

it("lists the steps of a fix, commands as code", () => {
  const root = show(
    describeError(
      { code: "AUTHENTICATION_FAILED", message: "The token was refused" },
      {
        credentialFix: {
          steps: ["Run `codex login --device-auth`.", "Paste `~/.codex/auth.json`."],
          label: "Codex credentials",
          href: "/account/agent-credentials#agent-codex",
        },
      },
    ),
  );
  const steps = [...root.querySelectorAll(".steps li")].map((li) => li.textContent);
  expect(steps).toEqual(["Run codex login --device-auth.", "Paste ~/.codex/auth.json."]);
  expect([...root.querySelectorAll(".steps code")].map((code) => code.textContent)).toEqual([
    "codex login --device-auth",
    "~/.codex/auth.json",
  ]);
  const link = root.querySelector("a");
  expect(link?.textContent).toBe("Codex credentials");
  expect(link?.getAttribute("href")).toBe("/account/agent-credentials#agent-codex");
});
