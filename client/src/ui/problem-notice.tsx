import { A } from "@solidjs/router";
import { Show, type JSX } from "solid-js";
import type { Problem } from "../lib/errors.js";
import { Steps } from "./steps.js";

/** An error as people read it: title, detail, and the way out (a link) when there is one. */
export function ProblemNotice(props: {
  readonly problem: Problem;
  readonly id?: string;
  /** More ways out, after the action (e.g. a button that opens the agent's logs). */
  readonly children?: JSX.Element;
}): JSX.Element {
  return (
    <div class="notice notice-error" role="alert" id={props.id} data-code={props.problem.code}>
      <p class="notice-title">{props.problem.title}</p>
      <Show when={props.problem.detail}>{(detail) => <p class="notice-detail">{detail()}</p>}</Show>
      <Show when={props.problem.steps}>{(steps) => <Steps steps={steps()} />}</Show>
      <Show when={props.problem.action}>
        {(action) => (
          <p>
            <A class="button button-small" href={action().href}>
              {action().label}
            </A>
          </p>
        )}
      </Show>
      {props.children}
    </div>
  );
}
