/** Where things are inside an agent image; the Dockerfile for users keeps the same layout. */
export const AGENT_IMAGE_LAYOUT = {
  agentScript: "/opt/agentry/agent.mjs",
  /** The resident host, the container's main process (`agent/dist/agent-host.mjs`). */
  hostScript: "/opt/agentry/agent-host.mjs",
  /** The agent CLIs' install: `node_modules/.bin/<cli>` and `copilot-cache/`. */
  clis: "/opt/agentry/clis",
  workspace: "/workspace",
  home: "/home/agent",
  uid: 10001,
  gid: 10001,
} as const;
