import { afterAll, beforeAll } from "vitest";
import { anthropicKey, startSystem, type System } from "./support/system.js";
import { describeKeyResolution } from "./support/key-resolution.js";

// Key resolution through the Docker runtime (the process runtime: process-runtime.test.ts).

let system: System;
const systemKey = anthropicKey();

beforeAll(async () => {
  system = await startSystem({ env: { ANTHROPIC_API_KEY: systemKey } });
  system.fake.addKey(systemKey);
});
afterAll(async () => {
  await system.close();
});

describeKeyResolution({ label: "docker runtime", system: () => system, systemKey });
