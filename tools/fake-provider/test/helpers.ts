import { randomUUID } from "node:crypto";

/** A key no other test uses, so recorded calls can be told apart by key. */
export const uniqueKey = (prefix: string): string => `${prefix}${randomUUID().replaceAll("-", "")}`;

/** The error a promise rejects with; fails the test when it resolves. */
export const rejectionOf = async (promise: Promise<unknown>): Promise<unknown> => {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to fail, but it succeeded");
};

/** Raw SSE frames of a response: `{ event, data }` for each `event:`/`data:` block. */
export const readSseFrames = async (
  response: Response,
): Promise<{ event: string | null; data: string }[]> => {
  const text = await response.text();
  return text
    .split("\n\n")
    .filter((frame) => frame.trim() !== "")
    .map((frame) => {
      const lines = frame.split("\n");
      const event =
        lines.find((line) => line.startsWith("event: "))?.slice("event: ".length) ?? null;
      const data = lines.find((line) => line.startsWith("data: "))?.slice("data: ".length) ?? "";
      return { event, data };
    });
};
