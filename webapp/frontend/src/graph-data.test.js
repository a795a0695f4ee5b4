import { describe, expect, it } from "vitest";
import {
  captionText, decodeView, encodeView, hashField, neighboursUrl, newElements, stepSelection, toElements, withHashField,
} from "./graph-data.js";

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
  it("keeps an expansion's edges to nodes already drawn", () => {
    const page = { nodes: [{ key: "eric-rochant", label: "Person" }],
      edges: [{ source: "eric-rochant@Person", target: "the-bureau@Show", type: "DIRECTED" }] };
    const have = new Set(["the-bureau@Show"]);
    expect(newElements(page, (id) => have.has(id)).map((e) => e.data.id))
      .toEqual(["eric-rochant@Person", "eric-rochant@Person|DIRECTED|the-bureau@Show|"]);
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
  it("after an expansion, says for each expanded entity how many of its neighbours are drawn", () => {
    expect(captionText(37, null, [{ name: "Crime drama", shown: 25, total: 790 }]))
      .toBe("Showing 37 entities; Crime drama: 25 of 790 neighbours shown");
  });
  it("pages neighbours through the entity's neighbours.json", () => {
    expect(neighboursUrl("/genre/drama/", 25, 25)).toBe("/genre/drama/neighbours.json?offset=25&limit=25");
  });
});

describe("permalink", () => {
  const view = { expanded: [["drama@Genre", 2]], selected: "x@Show", positions: [[1.4, -2.6], [10, 20]], zoom: 1.23456, pan: { x: 5.2, y: -1 } };
  it("round-trips expansions, selection, rounded positions and the viewport", () => {
    expect(decodeView(encodeView(view))).toEqual({
      expanded: [["drama@Genre", 2]], selected: "x@Show", positions: [[1, -3], [10, 20]], zoom: 1.235, pan: { x: 5, y: -1 },
    });
  });
  it("ignores a hash that is not a saved view", () => {
    expect(decodeView("%7Bnot json")).toBeNull();
    expect(decodeView(encodeURIComponent('{"e": [["a", -1], "b"], "p": [[1, "x"]]}')).expanded).toEqual([]);
  });
  it("replaces its own field of the hash and keeps the others", () => {
    const hash = withHashField("#tab=Graph&graph=old", "graph", "new%20value");
    expect(hash).toBe("#tab=Graph&graph=new%20value");
    expect(hashField(hash, "graph")).toBe("new%20value");
    expect(hashField("#tab=x", "graph")).toBeNull();
  });
});

describe("keyboard selection", () => {
  it("steps through nodes and wraps round", () => {
    expect(stepSelection(["a", "b", "c"], null, 1)).toBe("a");
    expect(stepSelection(["a", "b", "c"], null, -1)).toBe("c");
    expect(stepSelection(["a", "b", "c"], "c", 1)).toBe("a");
    expect(stepSelection(["a", "b", "c"], "a", -1)).toBe("c");
  });
});
