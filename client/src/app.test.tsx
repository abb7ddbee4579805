import { render } from "solid-js/web";
import { afterEach, expect, it } from "vitest";
import { App } from "./app.js";

let dispose: (() => void) | undefined;
afterEach(() => {
  dispose?.();
  document.body.replaceChildren();
});

it("renders the Agentry heading into the page", () => {
  const root = document.createElement("div");
  document.body.append(root);
  dispose = render(() => <App />, root);
  expect(root.querySelector("h1")?.textContent).toBe("Agentry");
});
