import { describe, expect, it } from "vitest";
import { captionText, graphUrl, knownTotal, newElements, toElements } from "./graph-data.js";

const data = {
  nodes: [
    { key: "the-bureau", label: "Show", name: "The Bureau", url: "/show/the-bureau" },
    { key: "eric-rochant", label: "Person", name: "Eric Rochant", url: "/person/eric-rochant" },
    { key: "the-bureau", label: "Genre", name: "Bureau (genre)", url: "/genre/the-bureau" },
  ],
  edges: [
    { source: "eric-rochant@Person", target: "the-bureau@Show", type: "DIRECTED", role: null },
    { source: "canal-plus@Company", target: "the-bureau@Show", type: "PRODUCED", role: "co-producer" },
  ],
  shown: 3, total: 40, center: "the-bureau@Show",
};

describe("toElements", () => {
  it("identifies nodes as key@Label, so equal keys under two labels stay apart", () => {
    const ids = toElements(data).filter((e) => e.group === "nodes").map((e) => e.data.id);
    expect(ids).toEqual(["the-bureau@Show", "eric-rochant@Person", "the-bureau@Genre"]);
  });
  it("captions edges by type and role, and drops edges to nodes not shown", () => {
    const edges = toElements(data).filter((e) => e.group === "edges");
    expect(edges.map((e) => e.data.caption)).toEqual(["DIRECTED"]);
    const withCompany = { ...data, nodes: [...data.nodes, { key: "canal-plus", label: "Company", name: "Canal+" }] };
    expect(toElements(withCompany).filter((e) => e.group === "edges").map((e) => e.data.caption))
      .toEqual(["DIRECTED", "PRODUCED (co-producer)"]);
  });
  it("captions namesakes with the detail that tells them apart", () => {
    const namesakes = { nodes: [
      { key: "david-smith--nm0000001", label: "Person", name: "David Smith", display: "David Smith (b. 1950)" },
      { key: "eric-rochant", label: "Person", name: "Eric Rochant", display: "Eric Rochant" },
      { key: "no-name", label: "Person" },
    ], edges: [] };
    expect(toElements(namesakes).map((e) => e.data.name)).toEqual(["David Smith (b. 1950)", "Eric Rochant", "no-name"]);
  });
  it("merges only what is new", () => {
    const have = new Set(["the-bureau@Show"]);
    expect(newElements(data, (id) => have.has(id)).map((e) => e.data.id)).not.toContain("the-bureau@Show");
  });
});

describe("caption", () => {
  it("says how much of the neighbourhood is on screen", () => {
    expect(captionText(12, 40)).toBe("Showing 12 of 40 entities");
    expect(captionText(2, 2)).toBe("Showing all 2 entities");
  });
  it("grows the total by what an expansion left out, never below what is shown", () => {
    expect(knownTotal(40, 12)).toBe(40);
    expect(knownTotal(40, 20, { shown: 10, total: 15 })).toBe(45);
    expect(knownTotal(5, 9, { shown: 6, total: 6 })).toBe(9);
  });
  it("expands through the entity's graph.json at depth 1", () => {
    expect(graphUrl("/person/eric-rochant")).toBe("/person/eric-rochant/graph.json?depth=1");
  });
});
