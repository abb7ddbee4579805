import { $Enums } from "@agentry/prisma";
import { describe, expect, expectTypeOf, it } from "vitest";
import { AgentKind, CredentialKind, KeySource, Provider } from "../src/domain/enums.js";

describe("domain enums", () => {
  it("hold exactly the Prisma enums' values", () => {
    expect(Provider).toEqual($Enums.Provider);
    expect(CredentialKind).toEqual($Enums.CredentialKind);
    expect(KeySource).toEqual($Enums.KeySource);
    expect(AgentKind).toEqual($Enums.AgentKind);
    expectTypeOf<Provider>().toEqualTypeOf<$Enums.Provider>();
    expectTypeOf<CredentialKind>().toEqualTypeOf<$Enums.CredentialKind>();
    expectTypeOf<KeySource>().toEqualTypeOf<$Enums.KeySource>();
    expectTypeOf<AgentKind>().toEqualTypeOf<$Enums.AgentKind>();
  });
});
