// R10: the search input is validated with every reason collected, and planned so user text is only ever text.
import { describe, expect, it } from "vitest";
import * as v from "valibot";
import { MESSAGES } from "../../worker/src/domain/messages.ts";
import { PAGE_MAX, SearchInputSchema, parseNdc, planSearch, type SearchPlan } from "../../worker/src/domain/search-query.ts";

function plan(raw: Record<string, unknown>): SearchPlan {
  const d = planSearch(raw);
  if (!d.ok) throw new Error(`refused: ${JSON.stringify(d.reasons)}`);
  return d.plan;
}
function codes(raw: Record<string, unknown>): string[] {
  const d = planSearch(raw);
  if (d.ok) throw new Error("expected a refusal");
  return d.reasons.map((r) => (r.field ? `${r.code}@${r.field}` : r.code));
}

describe("R10 search input: refusals", () => {
  it("refuses an empty search, also spaces only and every field empty as a form submits it", () => {
    expect(codes({})).toEqual(["query_empty@q"]);
    expect(codes({ q: "   　" })).toEqual(["query_empty@q"]);
    expect(codes({ q: "", title: "", author: "", publisher: "", isbn: "", ndc: "", sort: "relevance" })).toEqual(["query_empty@q"]);
  });

  it("refuses facets alone: a search needs words, an ISBN or a class", () => {
    expect(codes({ branch: "1", type: "book" })).toEqual(["query_empty@q"]);
  });

  it("refuses 1,000 characters with the too-long message only (100 is fine)", () => {
    expect(codes({ q: "あ".repeat(1000) })).toEqual(["query_too_long@q"]);
    expect(plan({ q: "あ".repeat(100) }).terms).toHaveLength(1);
    expect(codes({ q: "𠮷".repeat(101) })).toEqual(["query_too_long@q"]);
    expect(MESSAGES.query_too_long).toMatch(/100文字以内/);
  });

  it("refuses control characters", () => {
    expect(codes({ q: "猫\u0000" })).toEqual(["query_control_chars@q"]);
    expect(codes({ author: "夏目\u001b[31m" })).toEqual(["query_control_chars@author"]);
    expect(codes({ q: "猫\u007f" })).toEqual(["query_control_chars@q"]);
  });

  it("refuses text with nothing searchable after normalisation (only quotes, stars, punctuation)", () => {
    expect(codes({ q: '"' })).toEqual(["query_no_searchable_chars@q"]);
    expect(codes({ q: "*" })).toEqual(["query_no_searchable_chars@q"]);
    expect(codes({ q: "・・・ 「」" })).toEqual(["query_no_searchable_chars@q"]);
    expect(codes({ q: "猫", title: "()" })).toEqual(["query_no_searchable_chars@title"]);
  });

  it("collects every reason at once", () => {
    expect(codes({ q: "\u0007" + "猫".repeat(200), isbn: "123", ndc: "abc", sort: "random", page: "0", type: "scroll", year: "98" })).toEqual([
      "query_control_chars@q",
      "query_too_long@q",
      "isbn_invalid@isbn",
      "ndc_invalid@ndc",
      "sort_invalid@sort",
      "page_invalid@page",
      "facet_invalid@type",
      "year_invalid@year",
    ]);
  });

  it("refuses a text in the ISBN field that is not shaped like an ISBN; a wrong check digit is looked up as recorded (issue 6 §2)", () => {
    expect(plan({ isbn: "978-4-04-893065-0" }).isbns).toEqual([{ isbn: null, recorded: ["9784048930650"] }]);
    expect(plan({ isbn: "4-19-862631-0" }).isbns).toEqual([{ isbn: null, recorded: ["4198626310"] }]);
    expect(codes({ isbn: "12345" })).toEqual(["isbn_invalid@isbn"]);
    expect(codes({ isbn: "ISBN" })).toEqual(["isbn_invalid@isbn"]);
  });

  it("refuses bad pages, sorts and facets", () => {
    expect(codes({ q: "猫", page: "-1" })).toEqual(["page_invalid@page"]);
    expect(codes({ q: "猫", page: "1.5" })).toEqual(["page_invalid@page"]);
    expect(codes({ q: "猫", page: String(PAGE_MAX + 1) })).toEqual(["page_invalid@page"]);
    expect(codes({ q: "猫", sort: "title; DROP" })).toEqual(["sort_invalid@sort"]);
    expect(codes({ q: "猫", branch: "x" })).toEqual(["facet_invalid@branch"]);
    expect(codes({ q: "猫", decade: "2015" })).toEqual(["year_invalid@decade"]);
  });

  it("refuses more than 10 terms", () => {
    expect(codes({ q: "あ い う え お か き く け こ さ" })).toEqual(["query_too_many_terms"]);
    expect(plan({ q: "あ い う え お か き く け こ" }).terms).toHaveLength(10);
  });

  it("refuses a value that is not text (a JSON client's number)", () => {
    expect(codes({ q: 42 })).toEqual(["bad_request@q"]);
  });

  it("has one Japanese message for every reason code it gives", () => {
    for (const c of ["query_empty", "query_too_long", "query_control_chars", "query_no_searchable_chars", "query_too_many_terms", "isbn_invalid", "ndc_invalid", "year_invalid", "page_invalid", "sort_invalid", "facet_invalid"] as const) {
      expect(MESSAGES[c]).toMatch(/[ぁ-んァ-ン一-龯]/u);
    }
  });
});

describe("R10 search input: plans", () => {
  it("plans kana as normalised text; 3+ characters through FTS, 1–2 through the gram index", () => {
    const p = plan({ q: "ワガハイ 猫 羅生" });
    expect(p.terms).toEqual([
      { text: "わがはい", scope: "any", via: "fts" },
      { text: "猫", scope: "any", via: "grams" },
      { text: "羅生", scope: "any", via: "grams" },
    ]);
    expect(p.rankTerms).toEqual(["わがはい", "猫", "羅生"]);
    expect(p).toMatchObject({ sort: "relevance", page: 1, pageSize: 20, isbns: [], ndc: null });
  });

  it("keeps FTS and SQL syntax as plain text: quotes, stars, NEAR( and '; DROP TABLE' are characters", () => {
    expect(plan({ q: 'NEAR(猫 "犬"*' }).terms.map((t) => t.text)).toEqual(["near猫", "犬"]);
    expect(plan({ q: "'; DROP TABLE records; --" }).terms.map((t) => t.text)).toEqual(["drop", "table", "records"]);
    expect(plan({ q: "title:猫 OR 犬" }).terms.map((t) => t.text)).toEqual(["title猫", "or", "犬"]);
  });

  it("finds an ISBN typed in the one box, with hyphens, 'ISBN' prefix, ISBN-10 or full width", () => {
    const want = { isbn: { isbn13: "9784048930659", isbn10: "4048930656" }, recorded: ["9784048930659", "4048930656"] };
    expect(plan({ q: "978-4-04-893065-9" }).isbns).toEqual([want]);
    expect(plan({ q: "ISBN978-4-04-893065-9" }).isbns).toEqual([want]);
    expect(plan({ q: "ISBN 9784048930659" })).toMatchObject({ isbns: [want], terms: [] });
    expect(plan({ q: "4-04-893065-6" }).isbns).toEqual([want]);
    expect(plan({ q: "９７８４０４８９３０６５９" }).isbns).toEqual([want]);
    // A wrong check digit (issue 6 §2): looked up as the record carries it, with or without hyphens.
    expect(plan({ q: "978-4-04-893065-0" })).toMatchObject({ isbns: [{ isbn: null, recorded: ["9784048930650"] }], terms: [] });
    expect(plan({ q: "4-19-862631-0" }).isbns).toEqual([{ isbn: null, recorded: ["4198626310"] }]);
    expect(plan({ q: "4198626310" }).isbns).toEqual([{ isbn: null, recorded: ["4198626310"] }]);
    // Thirteen digits that no ISBN starts with stay text.
    expect(plan({ q: "1234567890123" })).toMatchObject({ isbns: [], terms: [{ text: "1234567890123", via: "fts" }] });
  });

  it("plans the advanced fields in their scopes; only title words rank as a title", () => {
    const p = plan({ title: "吾輩は猫", author: "夏目 漱石", publisher: "岩波", isbn: "4-04-893065-6", ndc: "９１３" });
    expect(p.terms).toEqual([
      { text: "吾輩は猫", scope: "title", via: "fts" },
      { text: "夏目", scope: "author", via: "grams" },
      { text: "漱石", scope: "author", via: "grams" },
      { text: "岩波", scope: "publisher", via: "grams" },
    ]);
    expect(p.rankTerms).toEqual(["吾輩は猫"]);
    expect(p.isbns).toEqual([{ isbn: { isbn13: "9784048930659", isbn10: "4048930656" }, recorded: ["9784048930659", "4048930656"] }]);
    expect(p.ndc).toBe("913");
  });

  it("reads sort, page and facets", () => {
    const p = plan({ q: "猫", sort: "newest", page: "3", branch: "2", type: "book", decade: "1910", year: "1915" });
    expect(p).toMatchObject({ sort: "newest", page: 3, filters: { branchId: 2, type: "book", decade: 1910, year: 1915 } });
  });

  it("echoes the cleaned input for the form, dropping empty and unknown fields", () => {
    const d = planSearch({ q: "猫", title: "", evil: "<script>" });
    expect(d.ok && d.plan.params).toEqual({ q: "猫" });
  });
});

describe("R10 search input: ISBN and NDC", () => {
  it("looks up both ISBN forms, and no ISBN-10 for a 979 ISBN", () => {
    expect(plan({ q: "0-306-40615-2" }).isbns).toEqual([{ isbn: { isbn13: "9780306406157", isbn10: "0306406152" }, recorded: ["9780306406157", "0306406152"] }]);
    expect(plan({ isbn: "080442957x" }).isbns).toEqual([{ isbn: { isbn13: "9780804429573", isbn10: "080442957X" }, recorded: ["9780804429573", "080442957X"] }]);
    expect(plan({ isbn: "979-10-90636-07-1" }).isbns).toEqual([{ isbn: { isbn13: "9791090636071", isbn10: null }, recorded: ["9791090636071"] }]);
    expect(codes({ isbn: "9771234567003" })).toEqual(["isbn_invalid@isbn"]); // an ISSN-style EAN, not a book
  });

  it("accepts NDC classes up to 3 digits with decimals", () => {
    expect(parseNdc("9")).toBe("9");
    expect(parseNdc("007.63")).toBe("007.63");
    expect(parseNdc("913.")).toBe("913");
    expect(parseNdc("9134")).toBeNull();
    expect(parseNdc("K913")).toBeNull();
  });

  it("exposes the per-field schema for islands", () => {
    expect(v.safeParse(SearchInputSchema, { q: "猫", sort: "reading" }).success).toBe(true);
    expect(v.safeParse(SearchInputSchema, { sort: "x" }).success).toBe(false);
  });
});
