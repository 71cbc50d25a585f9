// Issue 3 items 2, 10 and issue 6 §5/§6: the one place random keys, digests and keyed MACs are made — session
// tokens, the CSRF cookie and its signature, cart keys, device cookies, and the keyed hash that stands in for
// anything typed into a card box that is not a card number. WebCrypto only.

/** base64url without padding (RFC 4648 §5): safe in cookies, URLs and form fields as it is. */
export function base64url(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** `bytes` random bytes (crypto.getRandomValues), base64url: ⌈4·bytes/3⌉ characters. */
export function randomKey(bytes: number): string {
  return base64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

/** SHA-256 of the text's UTF-8, lower-case hex (the stored form of a session token). */
export async function sha256Hex(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Compares two strings in time that depends on their length only (MACs, tokens). */
export function equalStrings(a: string, b: string): boolean {
  let diff = a.length ^ b.length;
  for (let i = 0; i < Math.min(a.length, b.length); i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/**
 * An HMAC-SHA-256 key derived from the PASSWORD_PEPPER secret through HKDF with its own `label`: each use (CSRF
 * tokens, device cookies, keyed hashes of what was typed) has a key independent of the others and of the password
 * hashes, and no second secret has to be provisioned. Cached per secret and label (one derivation per isolate).
 */
export type SecretEnv = { PASSWORD_PEPPER?: string };
const keyCache = new Map<string, Promise<CryptoKey>>();

export function macKey(env: SecretEnv, label: string): Promise<CryptoKey> {
  const secret = env.PASSWORD_PEPPER;
  if (!secret) throw new Error(`PASSWORD_PEPPER is not configured: ${label} cannot be made or checked`);
  const cacheKey = `${label}\u0000${secret}`;
  let key = keyCache.get(cacheKey);
  if (!key) {
    const enc = new TextEncoder();
    key = crypto.subtle
      .importKey("raw", enc.encode(secret), "HKDF", false, ["deriveKey"])
      .then((base) =>
        crypto.subtle.deriveKey(
          { name: "HKDF", hash: "SHA-256", salt: new Uint8Array(0), info: enc.encode(label) },
          base,
          { name: "HMAC", hash: "SHA-256", length: 256 },
          false,
          ["sign"],
        ),
      );
    keyCache.set(cacheKey, key);
  }
  return key;
}

/** HMAC-SHA-256 of `message` under the key for `label`, base64url; `bytes` keeps only the first bytes (≥ 16). */
export async function mac(env: SecretEnv, label: string, message: string, bytes = 32): Promise<string> {
  const full = new Uint8Array(await crypto.subtle.sign("HMAC", await macKey(env, label), new TextEncoder().encode(message)));
  return base64url(full.slice(0, Math.max(16, Math.min(32, bytes))));
}
