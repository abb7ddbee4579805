import { mkdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";

/** How long a lock without an owner file may exist before it counts as abandoned. */
const OWNERLESS_GRACE_MS = 60_000;

async function abandoned(lockDir: string): Promise<boolean> {
  const owner = await readFile(join(lockDir, "pid"), "utf8").catch(() => "");
  const pid = Number.parseInt(owner, 10);
  if (Number.isInteger(pid) && pid > 0) {
    try {
      process.kill(pid, 0);
      return false;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === "ESRCH";
    }
  }
  const info = await stat(lockDir).catch(() => undefined);
  return info !== undefined && Date.now() - info.mtimeMs > OWNERLESS_GRACE_MS;
}

/**
 * Runs `work` while holding `lockDir` (a directory: mkdir is atomic), so processes on one
 * machine that need the same slow thing (parallel test files, workers booting together) make it
 * once: the others wait, then `work` runs for them too and finds it done. A lock whose process
 * died is taken over.
 */
export async function withMachineLock<T>(
  lockDir: string,
  work: () => Promise<T>,
  onWait?: () => void,
): Promise<T> {
  await mkdir(dirname(lockDir), { recursive: true });
  let waited = false;
  for (;;) {
    try {
      await mkdir(lockDir);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      if (await abandoned(lockDir)) {
        await rm(lockDir, { recursive: true, force: true });
        continue;
      }
      if (!waited) onWait?.();
      waited = true;
      await delay(1000);
    }
  }
  try {
    await writeFile(join(lockDir, "pid"), `${process.pid}\n`);
    return await work();
  } finally {
    await rm(lockDir, { recursive: true, force: true });
  }
}
