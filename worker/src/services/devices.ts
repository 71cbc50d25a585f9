// Issue 6 §6 ("a stranger can keep a patron out"): the device cookie. At a successful login on the web a browser
// is given an entry naming the card — by its MAC, not in clear: `<device id>.<issued, base36 ms>.<HMAC>`, the HMAC
// (a key of its own derived from the pepper) over card, device id and issue time. A later attempt on that card from
// that browser is counted in the device's own bucket (`<card>@<device id>`), not in the card's, the address's or
// the overall count a stranger fills. Up to DEVICE_COOKIE_CARDS entries (one per card), newest first, joined by "~".
// Forged, altered, expired or other-card entries vouch for nothing. docs/accounts.md has the design.
import { DEVICE_COOKIE_CARDS, DEVICE_COOKIE_DAYS } from "../domain/policy.ts";
import { equalStrings, mac, randomKey, type SecretEnv } from "./tokens.ts";

const LABEL = "shiori/device-cookie/v1";
const DEVICE_ID_BYTES = 9;
export const DEVICE_MAX_AGE_MS = DEVICE_COOKIE_DAYS * 24 * 60 * 60_000;
const ENTRY = /^([A-Za-z0-9_-]{12})\.([0-9a-z]{1,11})\.([A-Za-z0-9_-]{22})$/;
/** Longer than any cookie this service writes: not read at all. */
const COOKIE_MAX_CHARS = DEVICE_COOKIE_CARDS * 60;

interface Entry {
  deviceId: string;
  issuedAt: number;
  mac: string;
  raw: string;
}

function entriesOf(cookie: string | null | undefined, now: number): Entry[] {
  if (!cookie || cookie.length > COOKIE_MAX_CHARS) return [];
  const out: Entry[] = [];
  for (const raw of cookie.split("~")) {
    const m = ENTRY.exec(raw);
    if (!m) continue;
    const issuedAt = parseInt(m[2]!, 36);
    // Expired, or issued in the future: not an entry this service would honour.
    if (!(issuedAt <= now + 60_000 && now - issuedAt < DEVICE_MAX_AGE_MS)) continue;
    out.push({ deviceId: m[1]!, issuedAt, mac: m[3]!, raw });
  }
  return out.slice(0, DEVICE_COOKIE_CARDS);
}

function macOf(env: SecretEnv, card: string, deviceId: string, issuedAt: number): Promise<string> {
  return mac(env, LABEL, `device:${card}:${deviceId}:${issuedAt}`, 16);
}

async function entryFor(env: SecretEnv, entries: Entry[], card: string): Promise<Entry | null> {
  for (const e of entries) {
    if (equalStrings(await macOf(env, card, e.deviceId, e.issuedAt), e.mac)) return e;
  }
  return null;
}

/** The device id this browser's cookie vouches for on `card`, or null (no cookie, forged, expired, another card). */
export async function recognisedDevice(env: SecretEnv, cookie: string | null | undefined, card: string, now: number): Promise<string | null> {
  return (await entryFor(env, entriesOf(cookie, now), card))?.deviceId ?? null;
}

/** The throttle bucket of a recognised device on a card (auth_failures.subject). */
export function deviceSubject(card: string, deviceId: string): string {
  return `${card}@${deviceId}`;
}

/**
 * The cookie value after a successful login on `card`: its entry renewed (the same device id, so its bucket stays
 * the same) or made, first; the other cards' entries kept as they were, the oldest dropped past the limit.
 */
export async function deviceCookieAfterLogin(env: SecretEnv, cookie: string | null | undefined, card: string, now: number): Promise<string> {
  const entries = entriesOf(cookie, now);
  const mine = await entryFor(env, entries, card);
  const deviceId = mine?.deviceId ?? randomKey(DEVICE_ID_BYTES);
  const entry = `${deviceId}.${now.toString(36)}.${await macOf(env, card, deviceId, now)}`;
  const others = entries.filter((e) => e !== mine).map((e) => e.raw);
  return [entry, ...others].slice(0, DEVICE_COOKIE_CARDS).join("~");
}
