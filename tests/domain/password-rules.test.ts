// R02: 6–20 half-width alphanumerics, case-sensitive; every reason named; the obvious refused.
import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { MESSAGES } from "../../worker/src/domain/messages.ts";
import { PASSWORD_REASONS, PasswordSchema, birthDateVariants, checkNewPassword, passwordSchema } from "../../worker/src/domain/password-rules.ts";

const taro = { cardNumber: "2100000001", birthDate: "1985-04-12" };

describe("R02 password rules", () => {
  it("accepts Tosho2026 and a 6-character password", () => {
    expect(checkNewPassword("Tosho2026", taro)).toEqual({ ok: true });
    expect(checkNewPassword("Ab3dE9", taro)).toEqual({ ok: true });
  });

  it("accepts exactly 20 characters and refuses 21 (no truncation)", () => {
    expect(checkNewPassword("Ab3dE9Ab3dE9Ab3dE9Xy", taro)).toEqual({ ok: true });
    expect(checkNewPassword("Ab3dE9Ab3dE9Ab3dE9Xyz", taro)).toEqual({ ok: false, reasons: ["password_too_long"] });
  });

  it("refuses 5 characters and the empty string as too short", () => {
    expect(checkNewPassword("Ab3dE", taro)).toEqual({ ok: false, reasons: ["password_too_short"] });
    expect(checkNewPassword("", taro)).toEqual({ ok: false, reasons: ["password_too_short"] });
  });

  it("refuses ｱｲｳｴｵ1 as half-width katakana", () => {
    expect(checkNewPassword("ｱｲｳｴｵ1", taro)).toEqual({ ok: false, reasons: ["password_half_width_katakana"] });
  });

  it("refuses full-width letters, digits, kana, kanji and the ideographic space as 全角", () => {
    for (const pw of ["Ｔｏｓｈｏ２０２６", "Tosho２０２６", "としょかん123", "図書館Tosho1", "Tosho　2026"]) {
      expect(checkNewPassword(pw, taro), pw).toEqual({ ok: false, reasons: ["password_full_width"] });
    }
  });

  it("refuses symbols and spaces", () => {
    for (const pw of ["Tosho-2026", "Tosho 2026", "Tosho_2026", "Tosho!2026", "'; DROP--"]) {
      expect(checkNewPassword(pw, taro), pw).toEqual({ ok: false, reasons: ["password_symbol_or_space"] });
    }
  });

  it("refuses anything else (accents, emoji, control characters) as other characters", () => {
    for (const pw of ["Tösho2026", "Tosho2026😀", "Tosho\t2026", "Tosho\n2026"]) {
      expect(checkNewPassword(pw, taro), JSON.stringify(pw)).toEqual({ ok: false, reasons: ["password_other_chars"] });
    }
  });

  it("refuses the obvious: 123456, password, qwerty and runs, whatever the case", () => {
    for (const pw of ["123456", "password", "Password", "PASSWORD1", "qwerty", "abc123", "111111", "abcdefgh", "987654321", "aaaaaa"]) {
      expect(checkNewPassword(pw, taro), pw).toEqual({ ok: false, reasons: ["password_common"] });
    }
  });

  it("refuses the card number, or a piece of it when the password is all digits", () => {
    expect(checkNewPassword("2100000001", taro)).toEqual({ ok: false, reasons: ["password_same_as_card"] });
    expect(checkNewPassword("a2100000001", taro)).toEqual({ ok: false, reasons: ["password_same_as_card"] });
    expect(checkNewPassword("000001", taro)).toEqual({ ok: false, reasons: ["password_same_as_card"] });
    expect(checkNewPassword("2100000001", {})).toEqual({ ok: true });
  });

  it("refuses the birth date as YYYYMMDD, YYMMDD and MMDD (and day-first)", () => {
    expect(birthDateVariants("1985-04-12")).toEqual(["19850412", "12041985", "04121985", "850412", "0412"]);
    for (const pw of ["19850412", "Taro19850412", "taro850412", "Kita0412", "Kita12041985"]) {
      expect(checkNewPassword(pw, taro), pw).toEqual({ ok: false, reasons: ["password_contains_birth_date"] });
    }
    expect(checkNewPassword("Kita0413", taro)).toEqual({ ok: true });
  });

  it("is case-sensitive and never folds: Tosho2026 and tosho2026 are different, both allowed", () => {
    expect(checkNewPassword("tosho2026", taro)).toEqual({ ok: true });
    expect(checkNewPassword("TOSHO2026", taro)).toEqual({ ok: true });
    // The schema's output is the input itself: no trimming, no case change.
    expect(v.parse(PasswordSchema, "ToSho2026")).toBe("ToSho2026");
  });

  it("gives every reason at once, in one order", () => {
    expect(checkNewPassword("ｱ 全", taro)).toEqual({
      ok: false,
      reasons: ["password_too_short", "password_full_width", "password_half_width_katakana", "password_symbol_or_space"],
    });
    expect(checkNewPassword("Ｔｏｓｈｏ２０２６-ｱ😀Ｔｏｓｈｏ２０２６", taro)).toEqual({
      ok: false,
      reasons: ["password_too_long", "password_full_width", "password_half_width_katakana", "password_symbol_or_space", "password_other_chars"],
    });
  });

  it("counts characters, not UTF-16 units: 𠮷 is one character", () => {
    expect(checkNewPassword("𠮷𠮷𠮷", taro).ok).toBe(false);
    expect((checkNewPassword("𠮷𠮷𠮷", taro) as { reasons: string[] }).reasons).toContain("password_too_short");
  });

  it("the valibot schema used by the island reports reason codes, each with a Japanese message", () => {
    const result = v.safeParse(passwordSchema({ cardNumber: "2100000001" }), "2100000001!");
    expect(result.success).toBe(false);
    expect(result.issues!.map((i) => i.message)).toEqual(["password_symbol_or_space", "password_same_as_card"]);
    for (const code of PASSWORD_REASONS) expect(MESSAGES[code]).toMatch(/[ぁ-んァ-ン一-龯]/);
    expect(MESSAGES.password_half_width_katakana).toContain("半角カタカナ");
    expect(MESSAGES.password_full_width).toContain("全角");
  });
});
