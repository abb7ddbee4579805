import { describe, expect, it } from "vitest";
import { initialsOf } from "./account-menu.js";

describe("initialsOf", () => {
  it("takes the first letters of an email's first two words, upper case", () => {
    expect(initialsOf("ada.lovelace@example.test")).toBe("AL");
    expect(initialsOf("grace_hopper+work@example.test")).toBe("GH");
    expect(initialsOf("linus@example.test")).toBe("L");
    expect(initialsOf("x-1@example.test")).toBe("X1");
  });

  it("falls back to a question mark when there is no letter or digit", () => {
    expect(initialsOf("@example.test")).toBe("?");
    expect(initialsOf("..@example.test")).toBe("?");
  });
});
