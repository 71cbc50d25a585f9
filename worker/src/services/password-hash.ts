// R03: one stored password per patron. PBKDF2-SHA256 through WebCrypto at the workerd production maximum
// (100,000 iterations; production refuses more even where local does not), keyed with a pepper held as a
// Worker secret. The stored string names its parameters so a later login can upgrade the hash.
export const PBKDF2_ITERATIONS = 100_000;
const SCHEME = "pbkdf2-sha256";

function b64(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

function unb64(s: string): Uint8Array<ArrayBuffer> {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

async function derive(password: string, pepper: string, salt: Uint8Array<ArrayBuffer>, iterations: number): Promise<Uint8Array> {
  const enc = new TextEncoder();
  // The pepper is an HMAC key over the password, so a stolen database alone cannot be brute-forced.
  const hmacKey = await crypto.subtle.importKey("raw", enc.encode(pepper), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const peppered = new Uint8Array(await crypto.subtle.sign("HMAC", hmacKey, enc.encode(password)));
  const key = await crypto.subtle.importKey("raw", peppered, "PBKDF2", false, ["deriveBits"]);
  const bits = await crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt, iterations }, key, 256);
  return new Uint8Array(bits);
}

export async function hashPassword(password: string, pepper: string, iterations = PBKDF2_ITERATIONS): Promise<string> {
  if (!pepper) throw new Error("password pepper is not configured");
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const hash = await derive(password, pepper, salt, iterations);
  return `${SCHEME}$${iterations}$${b64(salt)}$${b64(hash)}`;
}

export interface VerifyResult {
  ok: boolean;
  /** True when the stored hash uses weaker parameters than today's and should be replaced after a good login. */
  needsUpgrade: boolean;
}

export async function verifyPassword(password: string, stored: string, pepper: string): Promise<VerifyResult> {
  const [scheme, iterText, saltText, hashText] = stored.split("$");
  const iterations = Number(iterText);
  if (scheme !== SCHEME || !saltText || !hashText || !Number.isInteger(iterations) || iterations < 1 || iterations > PBKDF2_ITERATIONS) {
    return { ok: false, needsUpgrade: false };
  }
  const expected = unb64(hashText);
  const actual = await derive(password, pepper, unb64(saltText), iterations);
  let diff = expected.length ^ actual.length;
  for (let i = 0; i < Math.min(expected.length, actual.length); i++) diff |= expected[i]! ^ actual[i]!;
  return { ok: diff === 0, needsUpgrade: diff === 0 && iterations < PBKDF2_ITERATIONS };
}

/**
 * The same work as one verifyPassword at today's parameters, for a login whose card (or staff login) has no
 * stored password: wrong card and wrong password then take the same time (issue 3 item 1). Always false.
 */
export async function verifyNothing(password: string, pepper: string): Promise<false> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  await derive(password, pepper, salt, PBKDF2_ITERATIONS);
  return false;
}

/** The pepper from the Worker's env. A missing secret must stop logins, not hash with an empty key. */
export function requirePepper(env: { PASSWORD_PEPPER?: string }): string {
  if (!env.PASSWORD_PEPPER) throw new Error("PASSWORD_PEPPER is not configured");
  return env.PASSWORD_PEPPER;
}
