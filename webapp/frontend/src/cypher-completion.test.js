import { describe, expect, it } from "vitest";
import { cypherCompletions, scanContext } from "./cypher-completion.js";

const schema = {
  labels: ["Show", "Person", "Company", "Genre"],
  relationshipTypes: ["DIRECTED", "ACTED_IN", "PRODUCED"],
  propertyKeys: ["title", "name", "role"],
  functions: ["count", "toLower"],
  procedures: ["db.labels", "db.relationshipTypes"],
};
const labels = (text) => {
  const found = cypherCompletions(text, schema);
  return found && { from: found.from, names: found.options.map((o) => o.label) };
};

describe("cypherCompletions suggests from the live schema", () => {
  it("labels after a colon in a node pattern", () => {
    expect(labels("MATCH (s:")).toEqual({ from: 9, names: schema.labels });
    expect(labels("MATCH (s:Sh").from).toBe(9);
    expect(labels("MATCH (s:Show|Pe").names).toEqual(schema.labels);
  });
  it("relationship types inside brackets", () => {
    expect(labels("MATCH (p)-[:").names).toEqual(schema.relationshipTypes);
    expect(labels("MATCH (p)-[r:DIRECTED|AC").names).toEqual(schema.relationshipTypes);
  });
  it("property keys after a variable and a dot", () => {
    expect(labels("MATCH (s:Show) RETURN s.ti")).toEqual({ from: 24, names: schema.propertyKeys });
  });
  it("procedures after CALL or a known namespace", () => {
    expect(labels("CALL ").names).toEqual(schema.procedures);
    expect(labels("CALL db.rel")).toEqual({ from: 5, names: schema.procedures });
  });
  it("keywords and functions for a plain word", () => {
    const names = labels("MATCH (n) RET").names;
    expect(names).toContain("RETURN");
    expect(names).toContain("count");
    expect(names).not.toContain("CREATE");
  });
  it("nothing inside strings, comments, map values or parameters", () => {
    expect(labels("MATCH (n) WHERE n.title = 'The Bu")).toBeNull();
    expect(labels("// MATCH (n:")).toBeNull();
    expect(labels("MATCH (n {title: ")).toBeNull();
    expect(labels("MATCH (n {key: $")).toBeNull();
  });
  it("accepts procedures and functions given as {name, signature} objects", () => {
    const found = cypherCompletions("CALL ", { procedures: [{ name: "db.labels", signature: "()" }] });
    expect(found.options.map((o) => o.label)).toEqual(["db.labels"]);
  });
});

describe("scanContext", () => {
  it("tracks the innermost open bracket and skips quoted text", () => {
    expect(scanContext("MATCH (a)-[r").bracket).toBe("[");
    expect(scanContext("RETURN ')' + (").bracket).toBe("(");
    expect(scanContext("RETURN \"it's")).toMatchObject({ inString: true });
    expect(scanContext("RETURN 1 /* c")).toMatchObject({ inComment: true });
  });
});
