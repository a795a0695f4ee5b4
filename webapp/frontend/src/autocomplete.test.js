import { describe, expect, it } from "vitest";
import { entityHref, keyValue, suggestionText, suggestionUrl } from "./autocomplete.js";

describe("autocomplete helpers", () => {
  it("asks /search.json for 8 suggestions, escaping the text", () => {
    expect(suggestionUrl("/search.json", "Léa & co")).toBe("/search.json?q=L%C3%A9a%20%26%20co&limit=8");
    expect(suggestionUrl("/search.json?kind=Person", "ab")).toBe("/search.json?kind=Person&q=ab&limit=8");
  });
  it("fills the hidden key input with Label:key", () => {
    expect(keyValue({ key: "eric-rochant", label: "Person", name: "Eric Rochant" })).toBe("Person:eric-rochant");
  });
  it("lists namesakes with their detail and says which alternate title matched", () => {
    expect(suggestionText({ name: "David Smith", display: "David Smith (b. 1950)", label: "Person" }))
      .toBe("David Smith (b. 1950)");
    expect(suggestionText({ name: "Raiders", year: 1981, matched_title: "Les Aventuriers", label: "Show" }))
      .toBe("Raiders (1981) — “Les Aventuriers”");
    expect(suggestionText({ name: "Eric Rochant", label: "Person" })).toBe("Eric Rochant");
  });
  it("opens only pages of this site", () => {
    expect(entityHref({ url: "/person/eric-rochant" })).toBe("/person/eric-rochant");
    expect(entityHref({ url: "//evil.example/x" })).toBe(null);
    expect(entityHref({ url: "/\\evil.example/x" })).toBe(null);
    expect(entityHref({ url: "https://evil.example/" })).toBe(null);
    expect(entityHref({})).toBe(null);
  });
});
