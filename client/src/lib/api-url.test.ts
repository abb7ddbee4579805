import { describe, expect, it } from "vitest";
import { apiEndpoints, DEFAULT_API_URL } from "./api-url.js";

describe("apiEndpoints", () => {
  it("defaults to the api on localhost:4000 when VITE_API_URL is unset or blank", () => {
    expect(apiEndpoints(undefined, "http://localhost:5173")).toEqual({
      http: DEFAULT_API_URL,
      ws: "ws://localhost:4000/graphql",
    });
    expect(apiEndpoints("  ", "http://localhost:5173").http).toBe(DEFAULT_API_URL);
  });

  it("uses wss for an https api", () => {
    expect(apiEndpoints("https://api.example.com/graphql", "https://app.example.com")).toEqual({
      http: "https://api.example.com/graphql",
      ws: "wss://api.example.com/graphql",
    });
  });

  it("resolves a path against the page's origin (one origin behind a proxy)", () => {
    expect(apiEndpoints("/graphql", "https://agentry.example.com")).toEqual({
      http: "https://agentry.example.com/graphql",
      ws: "wss://agentry.example.com/graphql",
    });
  });

  it("refuses a URL that is not http(s)", () => {
    expect(() => apiEndpoints("ftp://example.com/graphql", "http://localhost")).toThrow(/http/);
  });
});
