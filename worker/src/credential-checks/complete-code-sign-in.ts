import { COMPLETE_CODE_SIGN_IN, SignInStore } from "@agentry/core";
import { createCodeSignIn } from "../sign-in/code-sign-in.js";
import { signInEndpoints } from "../sign-in/sign-in-polls.js";
import { checkHandler } from "./check-handler.js";

/** completeCodeSignIn: the pasted code exchanged with the flow's verifier, the tokens stored. */
export const completeCodeSignIn = checkHandler(COMPLETE_CODE_SIGN_IN, (deps) => {
  const complete = createCodeSignIn({
    prisma: deps.prisma,
    vault: deps.vault,
    flows: new SignInStore(deps.redis, deps.namespace),
    endpoints: signInEndpoints(deps.env),
    logger: deps.logger.child({ component: "sign-in" }),
  });
  return ({ flowId }) => complete(flowId);
});
