import { describe, expect, it } from "vitest";
import {
  cellSegments, cellText, consoleOutcome, consolePermalink, offsetOf, pushHistory, removeQuery, resultSummary, saveQuery, toCsv,
} from "./cells.js";

const bureau = { label: "Show", key: "the-bureau", properties: { title: "The Bureau" } };
const hostile = { label: "Person", key: "x", properties: { name: "<script>alert(1)</script>" } };

describe("cellText reads like the server's cell_text", () => {
  it("names nodes by title or name, then label", () => {
    expect(cellText(bureau)).toBe("The Bureau (Show)");
    expect(cellText({ label: "Person", key: "eric-rochant", properties: {} })).toBe("eric-rochant (Person)");
  });
  it("shows relationships by type, lists joined, maps as JSON, null as empty", () => {
    expect(cellText({ type: "DIRECTED", properties: {} })).toBe("-[:DIRECTED]-");
    expect(cellText([1, null, "x"])).toBe("1, , x");
    expect(cellText({ a: 1 })).toBe('{"a":1}');
    expect(cellText(null)).toBe("");
    expect(cellText(false)).toBe("false");
  });
  it("keeps markup in names as text, for the caller to insert with textContent", () => {
    expect(cellText(hostile)).toBe("<script>alert(1)</script> (Person)");
  });
});

const ENTITIES = new Set(["Show", "Person", "Company", "Genre"]);

describe("cellSegments", () => {
  it("links nodes to their page and leaves the rest as text", () => {
    expect(cellSegments([bureau, { type: "PRODUCED", properties: { role: "co" } }], ENTITIES)).toEqual([
      { text: "The Bureau (Show)", href: "/show/the-bureau" },
      { text: ", " },
      { text: "-[:PRODUCED]-" },
    ]);
  });
  it("escapes keys in links and does not link nodes without a key", () => {
    expect(cellSegments({ label: "Show", key: "a/b?c", properties: { title: "T" } }, ENTITIES)[0].href).toBe("/show/a%2Fb%3Fc");
    expect(cellSegments({ label: "Show", properties: { title: "T" } }, ENTITIES)).toEqual([{ text: "T (Show)" }]);
  });
  it("links only labels that have pages: a map posing as a node stays text", () => {
    const posing = { label: "/evil.example", key: "x", properties: { name: "click me" } };
    expect(cellSegments(posing, ENTITIES)).toEqual([{ text: "click me (/evil.example)" }]);
    expect(cellSegments({ label: "Listing", key: "a.json#1", properties: {} }, ENTITIES)[0].href).toBeUndefined();
    expect(cellSegments(bureau)).toEqual([{ text: "The Bureau (Show)" }]);
  });
});

describe("toCsv", () => {
  it("quotes commas, quotes and newlines (RFC 4180, CRLF)", () => {
    expect(toCsv(["a", "b"], [["x,y", 'say "hi"'], ["l1\nl2", 3]])).toBe('a,b\r\n"x,y","say ""hi"""\r\n"l1\nl2",3\r\n');
  });
  it("neutralises cells a spreadsheet would read as a formula", () => {
    expect(toCsv(["=cmd", "x"], [["=1+1", "+1"], ["-2", "@SUM(A1)"], ["\tx", "\rx"], ["a=b", "ok"]]))
      .toBe("'=cmd,x\r\n'=1+1,'+1\r\n'-2,'@SUM(A1)\r\n'\tx,\"'\rx\"\r\na=b,ok\r\n");
  });
  it("writes nodes as the table shows them", () => {
    expect(toCsv(["show"], [[bureau], [hostile]])).toBe("show\r\nThe Bureau (Show)\r\n<script>alert(1)</script> (Person)\r\n");
  });
});

describe("consoleOutcome", () => {
  const results = { columns: ["n"], rows: [[1]], truncated: true, elapsed_ms: 12.34, graph: { nodes: [], edges: [], shown: 0, total: 0 } };
  it("accepts the page's JSON twin and a bare result set", () => {
    expect(consoleOutcome({ query: "RETURN 1", results }).results.rows).toEqual([[1]]);
    expect(consoleOutcome(results).results.truncated).toBe(true);
  });
  it("passes errors through with their code", () => {
    const error = { status: 400, code: "query_timeout", message: "Stopped after 1000 ms" };
    expect(consoleOutcome({ error }, 400)).toEqual({ error });
  });
  it("says so when there is nothing to show", () => {
    expect(consoleOutcome({ query: "x", results: null }, 200).error.code).toBe("no_results");
  });
  it("summarises rows, time and truncation", () => {
    expect(resultSummary(consoleOutcome(results).results)).toMatch(/^1 row in 12\.3 ms — truncated/);
  });
});

describe("pushHistory", () => {
  it("keeps distinct queries newest first, capped at 50", () => {
    let h = [];
    for (let i = 0; i < 60; i++) h = pushHistory(h, `RETURN ${i}`);
    h = pushHistory(h, "RETURN 55");
    expect(h.length).toBe(50);
    expect(h[0]).toBe("RETURN 55");
    expect(h.filter((q) => q === "RETURN 55").length).toBe(1);
    expect(pushHistory(h, "   ")).toBe(h);
  });
});

describe("a canned query's results", () => {
  it("are summarised without a time when the server gave none", () => {
    const outcome = consoleOutcome({ results: { columns: ["a"], rows: [[1], [2]], truncated: false } });
    expect(resultSummary(outcome.results)).toBe("2 rows");
  });
});

describe("nested values", () => {
  it("link maps that name an entity and its page here, and only those", () => {
    const shows = [{ key: "the-bureau", name: "The Bureau", url: "/show/the-bureau" }, { name: "Elsewhere", url: "//evil.example/x" }];
    expect(cellSegments(shows)).toEqual([
      { text: "The Bureau", href: "/show/the-bureau" }, { text: ", " },
      { text: JSON.stringify(shows[1]) },
    ]);
  });
  it("link maps that name an entity of a label with pages by its label and key", () => {
    const show = { key: "the bureau", label: "Show", name: "The Bureau", roles: ["writer"] };
    expect(cellSegments([show], new Set(["Show"]))).toEqual([{ text: "The Bureau", href: "/show/the%20bureau" }]);
    expect(cellSegments([show], new Set())).toEqual([{ text: JSON.stringify(show) }]);
  });
  it("stay JSON in the CSV, like the server's cell_text", () => {
    expect(cellText({ name: "The Bureau", url: "/show/the-bureau" })).toBe('{"name":"The Bureau","url":"/show/the-bureau"}');
  });
});

describe("console permalink", () => {
  it("carries the query, its parameters and a view other than the table", () => {
    const link = consolePermalink("/console", { query: "MATCH (s:Show {key: $key}) RETURN s", params: '{"key": "a&b"}', view: "Graph" });
    const url = new URL(link, "http://x");
    expect(url.pathname).toBe("/console");
    expect(url.searchParams.get("query")).toBe("MATCH (s:Show {key: $key}) RETURN s");
    expect(url.searchParams.get("params")).toBe('{"key": "a&b"}');
    expect(url.searchParams.get("view")).toBe("Graph");
    expect(consolePermalink("/console", { query: "RETURN 1", params: " ", view: "Table" })).toBe("/console?query=RETURN+1");
  });
});

describe("saved queries", () => {
  it("keep one query per name, newest first, and forget by name", () => {
    let saved = saveQuery([], { name: " Busy people ", query: "MATCH (p) RETURN p" });
    saved = saveQuery(saved, { name: "Shows", query: "MATCH (s:Show) RETURN s", params: "{}" });
    saved = saveQuery(saved, { name: "Busy people", query: "MATCH (p:Person) RETURN p" });
    expect(saved.map((s) => [s.name, s.query])).toEqual([["Busy people", "MATCH (p:Person) RETURN p"], ["Shows", "MATCH (s:Show) RETURN s"]]);
    expect(saveQuery(saved, { name: "", query: "RETURN 1" })).toBe(saved);
    expect(removeQuery(saved, "Shows").map((s) => s.name)).toEqual(["Busy people"]);
  });
});

describe("syntax error position", () => {
  it("turns a 1-based line and column into an offset, clamped to the text", () => {
    expect(offsetOf("MATCH (n)\nRETRUN n", 2, 1)).toBe(10);
    expect(offsetOf("MATCH (n", 1, 99)).toBe(8);
    expect(offsetOf("a", 5, 1)).toBe(0);
  });
  it("is passed on from the server's error", () => {
    const outcome = consoleOutcome({ error: { status: 400, code: "syntax_error", message: "m", position: { line: 2, column: 1 } } }, 400);
    expect(outcome.error.position).toEqual({ line: 2, column: 1 });
  });
});
