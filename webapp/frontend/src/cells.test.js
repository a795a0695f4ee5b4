import { describe, expect, it } from "vitest";
import { cellText, pushHistory, toCsv } from "./cells.js";

describe("cellText", () => {
  it("names nodes by title or name and label", () => {
    expect(cellText({ label: "Show", key: "b", properties: { title: "The Bureau" } })).toBe("The Bureau (Show)");
    expect(cellText([1, null, "x"])).toBe("1, , x");
  });
  it("returns text, never markup", () => {
    const evil = { label: "Person", key: "x", properties: { name: "<script>alert(1)</script>" } };
    expect(cellText(evil)).toBe("<script>alert(1)</script> (Person)");
  });
});

describe("toCsv", () => {
  it("quotes commas, quotes and newlines", () => {
    expect(toCsv(["a", "b"], [["x,y", 'say "hi"'], ["l1\nl2", 3]])).toBe('a,b\r\n"x,y","say ""hi"""\r\n"l1\nl2",3\r\n');
  });
});

describe("pushHistory", () => {
  it("keeps distinct queries newest first, capped", () => {
    let h = [];
    for (let i = 0; i < 60; i++) h = pushHistory(h, `RETURN ${i}`);
    h = pushHistory(h, "RETURN 55");
    expect(h.length).toBe(50);
    expect(h[0]).toBe("RETURN 55");
    expect(h.filter((q) => q === "RETURN 55").length).toBe(1);
  });
});
