// Display formatting for usage figures. Costs are estimates in USD; token totals can outgrow
// 32 bits, so they arrive as bigint (or a numeric string from the GraphQL scalar).

const SMALLEST_SHOWN_COST = 0.0001;

const dollars = new Intl.NumberFormat("en-US", {
  style: "currency",
  currency: "USD",
  minimumFractionDigits: 2,
  maximumFractionDigits: 2,
});
// Sub-dollar costs (a few provider calls) would all read "$0.00" with cents alone.
const cents = new Intl.NumberFormat("en-US", {
  style: "currency",
  currency: "USD",
  minimumFractionDigits: 2,
  maximumFractionDigits: 4,
});
const grouped = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
const compact = new Intl.NumberFormat("en-US", { notation: "compact", maximumFractionDigits: 2 });

/** "$12.34", "$0.0042", "< $0.0001" for a positive cost too small to show, "—" when unknown. */
export function formatCost(usd: number): string {
  if (!Number.isFinite(usd)) return "—";
  if (usd > 0 && usd < SMALLEST_SHOWN_COST) return `< ${cents.format(SMALLEST_SHOWN_COST)}`;
  return Math.abs(usd) >= 1 ? dollars.format(usd) : cents.format(usd);
}

/** "1,234" below a million, then "1.25M", "3.4B". Accepts the BigInt scalar as bigint or string. */
export function formatTokens(tokens: number | bigint | string): string {
  const value = typeof tokens === "string" ? parseTokenString(tokens) : tokens;
  if (value === undefined || (typeof value === "number" && !Number.isFinite(value))) return "—";
  const large = typeof value === "bigint" ? value >= 1_000_000n : Math.abs(value) >= 1_000_000;
  // Intl formats bigint exactly; compact notation only needs the magnitude, so a number will do.
  return large ? compact.format(Number(value)) : grouped.format(value);
}

function parseTokenString(text: string): bigint | undefined {
  return /^-?\d+$/.test(text.trim()) ? BigInt(text.trim()) : undefined;
}

const dateTime = new Intl.DateTimeFormat("en-US", {
  dateStyle: "medium",
  timeStyle: "short",
});

/** "Jan 5, 2026, 2:03 PM" in the viewer's time zone; "—" for a missing or invalid date. */
export function formatDateTime(iso: string | null | undefined, timeZone?: string): string {
  if (!iso) return "—";
  const time = Date.parse(iso);
  if (Number.isNaN(time)) return "—";
  return timeZone === undefined
    ? dateTime.format(time)
    : new Intl.DateTimeFormat("en-US", {
        dateStyle: "medium",
        timeStyle: "short",
        timeZone,
      }).format(time);
}

/** A stored secret as shown: dots and its hint (at most the last four characters). */
export function maskedHint(hint: string): string {
  return `••••${hint}`;
}
