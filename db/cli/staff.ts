// `npm run staff -- issue-temp-password CARD`: the counter's R05 until the staff console exists (a later issue).
// Prints the temporary password alone on stdout (for scripts and the browser tests); the rest goes to stderr.
import { pathToFileURL } from "node:url";
import { issueTemporaryPassword } from "../../worker/src/services/passwords.ts";
import { AppError } from "../../worker/src/errors.ts";
import { ensureDevVars } from "./dev-vars.ts";
import { openLocalPlatform } from "./platform.ts";

const USAGE = "usage: npm run staff -- issue-temp-password CARD";

export async function issueTempPasswordLocal(card: string): Promise<string> {
  const { PASSWORD_PEPPER } = ensureDevVars();
  const platform = await openLocalPlatform();
  try {
    // staffId null: issued from the command line, audited as 'system'.
    const issued = await issueTemporaryPassword(platform.db, { PASSWORD_PEPPER: PASSWORD_PEPPER! }, { card, staffId: null, now: Date.now() });
    process.stderr.write(`仮パスワードを発行しました（図書館カード番号 ${issued.cardNumber}）。ログイン後は「パスワード変更」だけが使えます。\n`);
    return issued.password;
  } finally {
    await platform.dispose();
  }
}

async function main(argv: string[]): Promise<number> {
  const [command, card, ...rest] = argv;
  if (command !== "issue-temp-password" || !card || rest.length) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  try {
    process.stdout.write(`${await issueTempPasswordLocal(card)}\n`);
    return 0;
  } catch (err) {
    if (err instanceof AppError) {
      process.stderr.write(`${err.message}\n`);
      return 1;
    }
    throw err;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  process.exitCode = await main(process.argv.slice(2));
}
