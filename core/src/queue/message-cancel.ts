import type { Redis } from "ioredis";

// Stopping a running message (cancelMessage): the api cannot know which worker runs it, so it
// leaves a flag on the message and tells every worker on one pub/sub channel; the worker that
// runs the message aborts it. The flag covers the gap between a worker claiming the message and
// listening for it: a worker checks it after it starts listening, so a request made before is
// seen there and one made after is heard. Both live under the deployment's namespace, like the
// queues and the topics.

/** How long a stop request is kept: far longer than any run waits to start. */
const CANCEL_FLAG_TTL_SECONDS = 24 * 3600;

/** The channel every worker listens on (payload: the message id) and a message's flag. */
export function messageCancelKeys(namespace = "") {
  return {
    channel: `${namespace}agentry:message-cancel`,
    flag: (messageId: string) => `${namespace}agentry:message-cancel:${messageId}`,
  };
}

/** Asks whichever worker runs the message to stop it (the api's half). */
export async function requestMessageCancel(
  redis: Redis,
  namespace: string,
  messageId: string,
): Promise<void> {
  const keys = messageCancelKeys(namespace);
  // Flag first: a worker that starts listening after the publish still finds it.
  await redis.set(keys.flag(messageId), "1", "EX", CANCEL_FLAG_TTL_SECONDS);
  await redis.publish(keys.channel, messageId);
}

/** Whether a stop was asked for the message (a worker checks once it listens for it). */
export async function messageCancelRequested(
  redis: Redis,
  namespace: string,
  messageId: string,
): Promise<boolean> {
  return (await redis.exists(messageCancelKeys(namespace).flag(messageId))) === 1;
}
