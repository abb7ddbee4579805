import { AppError } from "@agentry/core";
import { LIMITS } from "../graphql/limits.js";

// Deliberately simple: one @, something on both sides, a dot in the domain, no spaces.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Normalizes (trim, lower case) and validates an email address; BAD_USER_INPUT (field email). */
export function normalizeEmail(value: string): string {
  const email = value.trim().toLowerCase();
  if (email.length > LIMITS.emailLength) {
    throw new AppError(
      "BAD_USER_INPUT",
      `The email address is too long (at most ${LIMITS.emailLength} characters)`,
      {
        field: "email",
      },
    );
  }
  if (!EMAIL.test(email)) {
    throw new AppError("BAD_USER_INPUT", "This is not a valid email address", { field: "email" });
  }
  return email;
}

/** Checks a new password's length (8..1024 characters); BAD_USER_INPUT (field password). */
export function checkNewPassword(password: string): string {
  if (password.length < LIMITS.passwordMin || password.length > LIMITS.passwordMax) {
    throw new AppError(
      "BAD_USER_INPUT",
      `The password must be ${LIMITS.passwordMin} to ${LIMITS.passwordMax} characters long`,
      { field: "password" },
    );
  }
  return password;
}
