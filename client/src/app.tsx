import type { JSX } from "solid-js";

/** The application shell; pages arrive with the GraphQL client. */
export function App(): JSX.Element {
  return (
    <main>
      <h1>Agentry</h1>
      <p>Run AI coding agents in sessions, with their credentials kept write-only.</p>
    </main>
  );
}
