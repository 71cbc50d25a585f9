// Issue 3 item 11: staff accounts, separate from patrons (their own login, role counter/admin, branch).
import { and, eq } from "drizzle-orm";
import { branches, staffUsers } from "../../../db/schema/index.ts";
import type { Db } from "./db.ts";

export interface StaffLogin {
  id: number;
  login: string;
  hash: string;
  role: "counter" | "admin";
  branchId: number;
  active: boolean;
}

export async function findStaffByLogin(db: Db, login: string): Promise<StaffLogin | null> {
  const [row] = await db
    .select({ id: staffUsers.id, login: staffUsers.login, hash: staffUsers.hash, role: staffUsers.role, branchId: staffUsers.branchId, active: staffUsers.active })
    .from(staffUsers)
    .where(eq(staffUsers.login, login))
    .limit(1);
  return row ?? null;
}

export function upgradeStaffHashStatement(db: Db, p: { staffId: number; oldHash: string; newHash: string }) {
  return db.update(staffUsers).set({ hash: p.newHash }).where(and(eq(staffUsers.id, p.staffId), eq(staffUsers.hash, p.oldHash)));
}

/** The name of a member of staff's branch (「中央図書館」), for the staff menu. */
export async function findBranchName(db: Db, branchId: number): Promise<string | null> {
  const [row] = await db.select({ name: branches.name }).from(branches).where(eq(branches.id, branchId)).limit(1);
  return row?.name ?? null;
}
