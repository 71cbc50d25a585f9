// R42 (issue 9 item 2): the domain check (domain/mail-address.ts) and the database's CHECK mail_addresses_shape
// (db/schema/mail.ts) agree, in workerd on real D1: every address the check accepts — random ones (fast-check) and
// the accepted cases of both corpora — is stored as it is, and the two R42 addresses are refused by both.
import { env } from "cloudflare:workers";
import isemailText from "@data/email/isemail_tests_v3.05.jsonl?raw";
import validatorText from "@data/email/validatorjs_isEmail_cases.jsonl?raw";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { createDb } from "../../worker/src/data/db.ts";
import { KNOWN_MAIL_DOMAINS, checkMailAddress } from "../../worker/src/domain/mail-address.ts";
import { FACTORY_NOW, insertPatron } from "../support/factories.ts";

const db = createDb(env.DB);
let patronId: number;
beforeAll(async () => {
  patronId = (await insertPatron(db)).id;
});

/** Stores the address for the patron and reads it back, then removes it (R40 allows only 3 per patron). */
async function storeAndReadBack(address: string): Promise<string | null> {
  const row = await env.DB.prepare("INSERT INTO mail_addresses (patron_id, address, created_at) VALUES (?, ?, ?) RETURNING id, address")
    .bind(patronId, address, FACTORY_NOW)
    .first<{ id: number; address: string }>();
  if (row) await env.DB.prepare("DELETE FROM mail_addresses WHERE id = ?").bind(row.id).run();
  return row?.address ?? null;
}

describe("R42: the check and the DB CHECK mail_addresses_shape agree", () => {
  it("R42: the DB itself refuses 「taro..yamada@docomo.ne.jp」 and 「taro.@ezweb.ne.jp」, as the check does", async () => {
    for (const address of ["taro..yamada@docomo.ne.jp", "taro.@ezweb.ne.jp"]) {
      expect(checkMailAddress(address).ok).toBe(false);
      await expect(storeAndReadBack(address)).rejects.toThrow(/CHECK constraint failed/);
    }
  });

  it("R42: every accepted address of both corpora is stored unchanged", async () => {
    const inputs = [
      ...isemailText.split("\n").filter(Boolean).map((l: string) => (JSON.parse(l) as { address_decoded: string }).address_decoded),
      ...validatorText.split("\n").filter(Boolean).map((l: string) => (JSON.parse(l) as { address: string }).address),
    ];
    let stored = 0;
    for (const input of inputs) {
      const checked = checkMailAddress(input);
      if (!checked.ok) continue;
      expect(await storeAndReadBack(checked.address)).toBe(checked.address);
      stored++;
    }
    expect(stored).toBeGreaterThan(60);
  });

  it("R42 (property): any address the check accepts is accepted by the DB CHECK and stored unchanged", async () => {
    const atext = fc.constantFrom(..."abcxyzABZ0189!#$%&'*+/=?^_`{|}~-".split(""));
    const other = fc.constantFrom(".", "..", ".@", "@", " ", ",", "＠", "．", "ｔ", "\u3000", "_", "-");
    const text = fc.array(fc.oneof({ weight: 4, arbitrary: atext }, { weight: 1, arbitrary: other }), { minLength: 1, maxLength: 16 }).map((a) => a.join(""));
    const domain = fc.oneof(fc.constantFrom(...KNOWN_MAIL_DOMAINS, "xn--eckwd4c7c.xn--zckzah"), text.map((t) => `${t}.jp`));
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(text, domain, async (local, host) => {
        const checked = checkMailAddress(`${local}@${host}`);
        if (!checked.ok) return;
        accepted++;
        expect(await storeAndReadBack(checked.address)).toBe(checked.address);
      }),
      { numRuns: 300 },
    );
    // The generator reaches the accepting side often enough for the property to mean something.
    expect(accepted).toBeGreaterThan(50);
  });
});
