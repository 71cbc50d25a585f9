// The data the repository carries must stay byte-identical to its published sources (db/seed/data/README.md):
// every file listed there with its SHA-256 is hashed here and compared.
import { describe, expect, it } from "vitest";
import readme from "@data/README.md?raw";
import aozora from "@data/aozora/list_person_all_extended_utf8.partial-2022-02.csv?raw";
import ndlClean from "@data/ndl/opensearch-title-clean-architecture.xml?raw";
import ndlConan from "@data/ndl/opensearch-title-meitantei-conan.xml?raw";
import ndlOnePiece from "@data/ndl/opensearch-title-one-piece.xml?raw";
import facts from "@data/kitakyushu/library-facts.json?raw";
import isemail from "@data/email/isemail_tests_v3.05.jsonl?raw";
import validatorjs from "@data/email/validatorjs_isEmail_cases.jsonl?raw";
import demo from "@data/fixtures/demo.json?raw";

const files: Record<string, string> = {
  "aozora/list_person_all_extended_utf8.partial-2022-02.csv": aozora,
  "ndl/opensearch-title-clean-architecture.xml": ndlClean,
  "ndl/opensearch-title-meitantei-conan.xml": ndlConan,
  "ndl/opensearch-title-one-piece.xml": ndlOnePiece,
  "kitakyushu/library-facts.json": facts,
  "email/isemail_tests_v3.05.jsonl": isemail,
  "email/validatorjs_isEmail_cases.jsonl": validatorjs,
  "fixtures/demo.json": demo,
};

async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

describe("db/seed/data: the real data, unchanged", () => {
  const listed = [...readme.matchAll(/^([0-9a-f]{64})  (\S+)$/gm)].map((m) => ({ hash: m[1]!, file: m[2]! }));
  it("the README lists every file the tests import, and only those", () => {
    expect(listed.map((l) => l.file).sort()).toEqual(Object.keys(files).sort());
  });
  for (const { hash, file } of listed) {
    it(`${file} has the SHA-256 its README gives`, async () => {
      expect(await sha256(files[file] ?? "")).toBe(hash);
    });
  }
});
