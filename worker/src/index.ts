// What system tests and tools start a worker with (the process itself starts in main.ts).
export { startWorker, type RunningWorker, type WorkerOptions } from "./worker.js";
export { loadWorkerConfig, type WorkerConfig } from "./config.js";
export { createAgentRuntime, type AgentRuntime } from "./runtime/index.js";
// The agent image's layering, for tests that build it into an engine of their own.
export { baseImageTag, ensureAgentImage } from "./runtime/index.js";
// The usage recorder, for system tests and benches that record calls as a run does.
export { recordUsage, type UsageContext } from "./usage/usage.recorder.js";
// The client the message path runs on (it waits out a database restart), for benches wired as
// the worker is.
export { waitingOutOutages } from "./database-wait.js";
