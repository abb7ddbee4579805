export * from "./runtime.js";
export { DockerRuntime, type DockerRuntimeOptions } from "./docker-runtime.js";
export { ProcessRuntime, type ProcessRuntimeOptions } from "./process-runtime.js";
export {
  AGENT_IMAGE_LAYOUT,
  ensureAgentImage,
  type AgentClisInstall,
  type EnsureAgentImageOptions,
} from "./agent-image.js";
export { baseImageTag } from "./agent-image-base.js";
export { createAgentRuntime, type CreateAgentRuntimeOptions } from "./create-runtime.js";
