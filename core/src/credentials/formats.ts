// STUB — signatures fixed; the core helper implements.
import type { CredentialKind, Provider } from "../domain/enums.js";

/** Validates a secret's format for (provider, kind) and size caps; throws AppError BAD_USER_INPUT with a message that never contains the secret. Returns the normalized secret (trimmed). */
export declare function validateSecret(provider: Provider, kind: CredentialKind, secret: string): string;
/** For a session key given without a kind: which kind it is (e.g. sk-ant-oat01- is a subscription). */
export declare function inferCredentialKind(provider: Provider, secret: string): CredentialKind;
/** At most the last 4 characters (fewer for short secrets: never more than a quarter of it). */
export declare function secretHint(secret: string): string;
