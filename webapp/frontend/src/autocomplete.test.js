import { describe, expect, it } from "vitest";
import { keyValue, suggestionUrl } from "./autocomplete.js";

describe("autocomplete helpers", () => {
  it("asks /search.json for 8 suggestions, escaping the text", () => {
    expect(suggestionUrl("/search.json", "Léa & co")).toBe("/search.json?q=L%C3%A9a%20%26%20co&limit=8");
    expect(suggestionUrl("/search.json?kind=Person", "ab")).toBe("/search.json?kind=Person&q=ab&limit=8");
  });
  it("fills the hidden key input with Label:key", () => {
    expect(keyValue({ key: "eric-rochant", label: "Person", name: "Eric Rochant" })).toBe("Person:eric-rochant");
  });
});
