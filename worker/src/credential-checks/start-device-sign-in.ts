import { SignInStore, START_DEVICE_SIGN_IN } from "@agentry/core";
import { createDeviceSignIn } from "../sign-in/device-sign-in.js";
import { signInEndpoints } from "../sign-in/sign-in-polls.js";
import { checkHandler } from "./check-handler.js";

/** startDeviceSignIn: the device code from OpenAI, sealed into the flow; the first poll scheduled. */
export const startDeviceSignIn = checkHandler(START_DEVICE_SIGN_IN, (deps) => {
  const device = createDeviceSignIn({
    prisma: deps.prisma,
    vault: deps.vault,
    flows: new SignInStore(deps.redis, deps.namespace),
    endpoints: signInEndpoints(deps.env),
    schedulePoll: deps.signInPolls,
    logger: deps.logger.child({ component: "sign-in" }),
  });
  return ({ flowId }) => device.start(flowId);
});
