// R42 (issue 9 item 2): one valibot schema for a mail address, shared by the mail-settings island and the worker.
// Refuses what the library cannot send to ("..", ".@") and what RFC 5321/5322 do not allow for an address the
// library sends to from an ordinary provider, each with its own reason; warns without refusing on likely typos of
// carrier and common domains (the guide §3 ア よくある間違い). Pure and small: the island bundles it.
//
// The policy (docs/mail-address.md has the long form):
// - Full-width ASCII (U+FF01–U+FF5E: ＠ ． ａ １ …) and the ideographic space U+3000 become their ASCII forms — the
//   characters NFKC maps to ASCII from a Japanese keyboard — and the patron is told (mail_address_normalized). Other
//   compatibility characters (ﬁ, ①, ™) are NOT folded: NFKC would turn them into letters the patron did not type.
// - Spaces at either end are dropped (browsers do the same for <input type="email">); any other space, and any
//   control or invisible format character (CR, LF, TAB, NUL, DEL, zero-width space), is refused.
// - Exactly one "@". Local part: dot-atom only, ASCII only (the carriers' addresses are ASCII and the provider is
//   not asked for SMTPUTF8); quoted strings, comments and obsolete forms are refused with their own reasons.
//   Kept as typed, warned when it has capitals (the guide: 大文字・小文字の間違い).
// - Domain: lowercased (domains are case-insensitive); ASCII labels 1–63 of letters, digits and hyphens, no hyphen
//   at either end, at least one dot, an alphabetic TLD (or an xn-- A-label). A Unicode domain (IDN) is refused
//   with a reason asking for the xn-- form: converting it here would store an address the patron did not type, and
//   the provider takes A-labels. IP literals ([192.0.2.1]) are refused: the library sends only to named domains.
// - A display name (「名前 <アドレス>」, pasted from a mail program) is refused, the address inside suggested.
// - Lengths (RFC 5321 §4.5.3.1): local ≤ 64, domain ≤ 253 (the DNS text form of the 255-octet limit), whole ≤ 254
//   (the 256-octet path minus its angle brackets).
import * as v from "valibot";
import type { ReasonCode } from "./messages.ts";

/** A warning: the address is accepted, but the patron is asked to look again (e.g. 「docomo.co.jp」 → docomo.ne.jp). */
export interface MailAddressWarning {
  code: ReasonCode;
  /** What the address probably should be, when one suggestion is likely; else null. */
  suggestion: string | null;
}

export type MailAddressCheck =
  | { ok: true; address: string; warnings: MailAddressWarning[] }
  // suggestion (additive, optional): the corrected address when the refusal has one obvious fix (「,」→「.」, 「_」→「-」).
  | { ok: false; reasons: ReasonCode[]; suggestion?: string };

export const MAIL_LOCAL_MAX = 64;
export const MAIL_DOMAIN_MAX = 253;
export const MAIL_ADDRESS_MAX = 254;

/**
 * Domains patrons really use, for the typo warnings. Sources: the carriers' own mail domains (NTT docomo
 * docomo.ne.jp; au/KDDI ezweb.ne.jp and, since 2019, au.com; SoftBank softbank.ne.jp and the iPhone i.softbank.jp;
 * Y!mobile ymobile.ne.jp; UQ mobile uqmobile.jp; Rakuten Mobile rakumail.jp), and the free-mail and provider domains
 * most common in Japan (Google, Yahoo! JAPAN, Apple, Microsoft, the large ISPs). An address at one of these is never
 * warned about; an address one or two edits away from one is (see suspectedDomain).
 */
export const KNOWN_MAIL_DOMAINS: readonly string[] = [
  "docomo.ne.jp", "mopera.net", "ezweb.ne.jp", "au.com", "softbank.ne.jp", "i.softbank.jp", "softbank.jp",
  "ymobile.ne.jp", "y-mobile.ne.jp", "uqmobile.jp", "rakumail.jp",
  "gmail.com", "googlemail.com", "yahoo.co.jp", "ymail.ne.jp", "yahoo.com", "icloud.com", "me.com", "mac.com",
  "outlook.jp", "outlook.com", "hotmail.co.jp", "hotmail.com", "live.jp", "live.com", "msn.com",
  "nifty.com", "biglobe.ne.jp", "ocn.ne.jp", "so-net.ne.jp", "plala.or.jp", "aol.com",
];

/** Mistakes seen often enough to name outright (the guide's list and its neighbours), each with the real domain. */
const KNOWN_TYPOS: Readonly<Record<string, string>> = {
  "docomo.co.jp": "docomo.ne.jp", "docomo.com": "docomo.ne.jp", "docomo.jp": "docomo.ne.jp", "docomo.or.jp": "docomo.ne.jp",
  "ezweb.co.jp": "ezweb.ne.jp", "ezweb.com": "ezweb.ne.jp", "ezweb.jp": "ezweb.ne.jp", "ezweb.or.jp": "ezweb.ne.jp",
  "softbank.co.jp": "softbank.ne.jp", "softbank.com": "softbank.ne.jp", "i.softbank.ne.jp": "i.softbank.jp",
  "gmail.co.jp": "gmail.com", "gmail.jp": "gmail.com", "gmail.ne.jp": "gmail.com",
  "yahoo.jp": "yahoo.co.jp", "yahoo.ne.jp": "yahoo.co.jp",
  "icloud.jp": "icloud.com", "icloud.co.jp": "icloud.com",
  "hotmail.jp": "hotmail.co.jp", "outlook.co.jp": "outlook.jp",
};

// RFC 5322 atext, the only characters of a dot-atom local part besides ".".
const ATEXT = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]$/;
const CONTROL = /[\p{Cc}\p{Cf}\u2028\u2029]/u;
const SPACE = /\p{Zs}/u;
const NON_ASCII = /[^\x00-\x7f]/;
// What a Japanese IME gives for 「-」 when it is not the half-width hyphen: 「ー」 (long vowel), 「−」 (minus), dashes.
const HYPHEN_LOOKALIKE = /[\u30fc\uff70\u2212\u2010-\u2015]/;
// Characters with their own reasons (comma-likes, hyphen look-alikes, spaces, controls), left out of the non-ASCII test.
const NOT_JUDGED_HERE = /[、。｡､\u30fc\uff70\u2212\u2010-\u2015\p{Zs}\p{Cc}\p{Cf}\u2028\u2029]/gu;
const TLD = /^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/;

/** Full-width ASCII and U+3000 → ASCII (what NFKC does to them, and nothing else). */
function foldFullWidth(input: string): string {
  return input.replace(/[\uff01-\uff5e\u3000]/g, (ch) => (ch === "\u3000" ? " " : String.fromCharCode(ch.charCodeAt(0) - 0xfee0)));
}

/** Optimal-string-alignment distance (a swap of two neighbours counts once: gmial → gmail). */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/** The known domain a (lowercased, valid) domain is probably a typo of, or null. */
function suspectedDomain(domain: string): string | null {
  if (KNOWN_MAIL_DOMAINS.includes(domain)) return null;
  const named = KNOWN_TYPOS[domain];
  if (named) return named;
  // The guide: 「docomo」が「dokomo」になっている — whatever follows it.
  if (domain.split(".").includes("dokomo")) return "docomo.ne.jp";
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const known of KNOWN_MAIL_DOMAINS) {
    // Left out, because one edit from them is mostly another real domain: a known domain whose first label is short
    // (au.com, me.com, ocn.ne.jp — kcn.ne.jp is a real ISP), and pairs where one is a suffix of the other
    // (mail.com / gmail.com, mail.ne.jp / ymail.ne.jp).
    if (known.split(".")[0]!.length < 5 || known.endsWith(domain) || domain.endsWith(known)) continue;
    const limit = known.length >= 12 ? 2 : 1;
    const distance = editDistance(domain, known);
    if (distance <= limit && distance < bestDistance) [best, bestDistance] = [known, distance];
  }
  return best;
}

/** Every reason an address is refused, or the address as it will be stored (normalised) and its warnings. */
export function checkMailAddress(input: string): MailAddressCheck {
  const address = foldFullWidth(input).replace(/^ +| +$/g, "");
  // Told only when a character the patron will see changed (not for spaces dropped at the ends).
  const normalized = address !== input.replace(/^[ \u3000]+|[ \u3000]+$/g, "");
  if (address === "") return { ok: false, reasons: ["mail_address_required"] };

  // 「山田 太郎 <taro@example.jp>」 pasted from a mail program: one reason, and the address inside as the suggestion.
  if (/[<>]/.test(address)) {
    const inner = /<([^<>]*)>\s*$/.exec(address)?.[1];
    const checked = inner === undefined ? null : checkMailAddress(inner);
    return { ok: false, reasons: ["mail_address_display_name"], ...(checked?.ok ? { suggestion: checked.address } : {}) };
  }

  const reasons = new Set<ReasonCode>();
  const hasControl = CONTROL.test(address);
  const hasSpace = SPACE.test(address);
  if (hasControl) reasons.add("mail_address_control");
  if (hasSpace) reasons.add("mail_address_space");
  // The guide: 「.」ドットが「,」カンマになっている — and the Japanese 「。」「、」 typed for it.
  const hasComma = /[,、。｡､]/.test(address);
  if (hasComma) reasons.add("mail_address_comma");
  if (HYPHEN_LOOKALIKE.test(address)) reasons.add("mail_address_hyphen_lookalike");

  const at = address.lastIndexOf("@");
  if (at < 0) return { ok: false, reasons: [...reasons, "mail_address_no_at"] };
  const local = address.slice(0, at);
  const rawDomain = address.slice(at + 1);
  const manyAt = local.includes("@");
  if (manyAt) reasons.add("mail_address_many_at");

  // The local part (left of the last "@").
  if (local === "") reasons.add("mail_address_local_missing");
  else if (local.includes('"')) reasons.add("mail_address_quoted");
  else if (/[()]/.test(local)) reasons.add("mail_address_comment");
  else {
    // R42: the two refusals the guide names (注意), before the ordinary dot-atom rules.
    if (local.includes("..")) reasons.add("mail_address_double_dot");
    if (local.endsWith(".")) reasons.add("mail_address_dot_before_at");
    if (local.startsWith(".")) reasons.add("mail_address_local_dot_start");
    if (NON_ASCII.test(local.replace(NOT_JUDGED_HERE, ""))) reasons.add("mail_address_local_non_ascii");
    for (const ch of local) {
      if (ch === "." || ch === "," || ch === "@" || ATEXT.test(ch) || NON_ASCII.test(ch) || SPACE.test(ch) || CONTROL.test(ch)) continue;
      reasons.add("mail_address_local_char");
    }
  }
  if (local.length > MAIL_LOCAL_MAX) reasons.add("mail_address_local_too_long");

  // The domain (right of the last "@"): case-insensitive, stored lowercased.
  const domain = rawDomain.replace(/[A-Z]/g, (c) => c.toLowerCase());
  if (domain === "") reasons.add("mail_address_domain_missing");
  else if (/[[\]]/.test(domain)) reasons.add("mail_address_ip_literal");
  else if (/[()]/.test(domain)) reasons.add("mail_address_comment");
  else {
    let badCharacter = /[,、。｡､\u30fc\uff70\u2212\u2010-\u2015]/.test(domain);
    if (domain.includes("_")) {
      reasons.add("mail_address_domain_underscore");
      badCharacter = true;
    }
    if (NON_ASCII.test(domain.replace(NOT_JUDGED_HERE, ""))) {
      reasons.add("mail_address_domain_non_ascii");
      badCharacter = true;
    }
    for (const ch of domain) {
      if (/[a-z0-9.-]/.test(ch) || ch === "_" || ch === "," || NON_ASCII.test(ch)) continue;
      badCharacter = true;
      if (!SPACE.test(ch) && !CONTROL.test(ch)) reasons.add("mail_address_domain_char");
    }
    if (hasSpace || hasControl) badCharacter = true;
    // The shape is judged only once every character is one a domain may have: 「docomo,ne,jp」 is one mistake (the
    // comma), not three (comma, no dot, no TLD).
    if (!badCharacter) {
      const labels = domain.split(".");
      if (labels.some((label) => label === "")) reasons.add("mail_address_domain_dot");
      if (labels.length < 2) reasons.add("mail_address_domain_no_dot");
      if (labels.some((label) => label.length > 63)) reasons.add("mail_address_domain_label_too_long");
      if (labels.some((label) => label.startsWith("-") || label.endsWith("-"))) reasons.add("mail_address_domain_hyphen");
      const tld = labels[labels.length - 1]!;
      if (labels.length >= 2 && tld !== "" && !TLD.test(tld)) reasons.add("mail_address_domain_tld");
    }
  }
  if (domain.length > MAIL_DOMAIN_MAX) reasons.add("mail_address_domain_too_long");
  if (local.length + 1 + domain.length > MAIL_ADDRESS_MAX) reasons.add("mail_address_too_long");

  const stored = `${local}@${domain}`;
  if (reasons.size > 0) return { ok: false, reasons: [...reasons], ...fixSuggestion(stored, reasons) };

  const warnings: MailAddressWarning[] = [];
  if (normalized) warnings.push({ code: "mail_address_normalized", suggestion: null });
  if (/[A-Z]/.test(local)) warnings.push({ code: "mail_address_local_uppercase", suggestion: `${local.toLowerCase()}@${domain}` });
  if (domain === "vodafone.ne.jp" || domain.endsWith(".vodafone.ne.jp")) {
    // SoftBank took over Vodafone's Japanese network (2006); the old *.vodafone.ne.jp addresses are the guide's
    // 「softbank」と「vodafone」が間違っている.
    warnings.push({ code: "mail_address_vodafone_domain", suggestion: `${local}@softbank.ne.jp` });
  } else {
    const suspected = suspectedDomain(domain);
    if (suspected) warnings.push({ code: "mail_address_typo_suspected", suggestion: `${local}@${suspected}` });
  }
  return { ok: true, address: stored, warnings };
}

/** For a refusal with one obvious fix (「,」→「.」, 「ー」→「-」, 「_」→「-」 in the domain), the fixed address, if it passes. */
function fixSuggestion(address: string, reasons: Set<ReasonCode>): { suggestion?: string } {
  const fixable: ReasonCode[] = ["mail_address_comma", "mail_address_hyphen_lookalike", "mail_address_domain_underscore"];
  if (![...reasons].every((r) => fixable.includes(r))) return {};
  const at = address.lastIndexOf("@");
  let fixed = address.replace(/[,、。｡､]/g, ".").replace(new RegExp(HYPHEN_LOOKALIKE.source, "g"), "-");
  if (at >= 0) fixed = fixed.slice(0, at + 1) + fixed.slice(at + 1).replace(/_/g, "-");
  const checked = checkMailAddress(fixed);
  return checked.ok ? { suggestion: checked.address } : {};
}

/** The schema the island and the worker both parse with: a string in, the normalised address out. */
export const MailAddressSchema = v.pipe(
  v.string(),
  v.rawTransform(({ dataset, addIssue, NEVER }) => {
    const checked = checkMailAddress(dataset.value);
    if (checked.ok) return checked.address;
    for (const reason of checked.reasons) addIssue({ message: reason });
    return NEVER;
  }),
);
