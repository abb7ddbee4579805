// What the Docker engine's answers look like to the runtime code.

/** The HTTP status of a failed engine call (undefined when the engine was not reached). */
export function statusCode(error: unknown): number | undefined {
  if (typeof error === "object" && error !== null && "statusCode" in error) {
    const code = error.statusCode;
    return typeof code === "number" ? code : undefined;
  }
  return undefined;
}

/** A `.catch` handler that swallows the given statuses (e.g. 404 for "already gone"). */
export const ignoreStatus =
  (...codes: number[]) =>
  (error: unknown): void => {
    const code = statusCode(error);
    if (code === undefined || !codes.includes(code)) throw error;
  };

/** The part of a container's inspect `State` the runtime reads. */
export interface ContainerState {
  Running: boolean;
  Paused: boolean;
  OOMKilled: boolean;
  ExitCode: number;
  StartedAt: string;
  FinishedAt: string;
}
