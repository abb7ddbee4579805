import { AppError } from "@agentry/core";
import type { Prisma, PrismaClient } from "@agentry/prisma";
import { monthOf } from "../usage/usage.recorder.js";

// A user's monthly budget (User.monthlyBudgetUsd, set by an admin) caps what the provider calls
// made for the messages they send may cost per UTC calendar month, in every session and whatever
// key pays — counted in UserUsageMonth as each call is recorded. Enforced like a session's
// budget: a message does not start once the month has reached it, and a run that crosses it
// stops after the call that crossed (that call counted).

const dollars = (value: number): string => `$${value.toFixed(2)}`;

const exceeded = (budget: number, spent: number, during: boolean): AppError =>
  new AppError(
    "BUDGET_EXCEEDED",
    during
      ? `You reached your monthly budget of ${dollars(budget)} during the run; an admin can raise it`
      : `You reached your monthly budget of ${dollars(budget)} (spent ${dollars(spent)} this month, UTC); an admin can raise it, or it renews on the 1st`,
    { monthlyBudgetUsd: budget, spentThisMonthUsd: spent },
  );

/** BUDGET_EXCEEDED when the author's month has reached their budget (none: nothing to check). */
export async function checkMonthlyBudget(
  prisma: PrismaClient,
  authorId: string,
  budget: Prisma.Decimal | null,
  now: Date = new Date(),
): Promise<void> {
  if (budget === null) return;
  const row = await prisma.userUsageMonth.findUnique({
    where: { userId_month: { userId: authorId, month: monthOf(now) } },
    select: { costUsd: true },
  });
  const spent = row?.costUsd.toNumber() ?? 0;
  if (spent >= budget.toNumber()) throw exceeded(budget.toNumber(), spent, false);
}

/** The error that stops a run whose last call took the author's month to their budget; else null. */
export function monthlyBudgetCrossed(
  budget: Prisma.Decimal,
  spentThisMonth: number | null,
): AppError | null {
  if (spentThisMonth === null || spentThisMonth < budget.toNumber()) return null;
  return exceeded(budget.toNumber(), spentThisMonth, true);
}
