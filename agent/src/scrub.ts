// Everything the agent prints (error messages, diagnostics) passes through here first, so a
// provider that echoes the credential back (whole, truncated or masked) cannot leak it.

const REDACTED = "[redacted]";

/** Shapes of credentials and tokens, whoever's they are, with what replaces them. */
const KEY_PATTERNS: readonly (readonly [RegExp, string])[] = [
  [/\bsk-[A-Za-z0-9_*.-]{6,}/g, REDACTED], // Anthropic (sk-ant-api03-, sk-ant-oat01-), OpenAI
  [/\bAIza[A-Za-z0-9_-]{10,}/g, REDACTED], // Google API keys
  [/\bgh[pousr]_[A-Za-z0-9]{10,}/g, REDACTED], // GitHub tokens
  [/\bgithub_pat_[A-Za-z0-9_]{10,}/g, REDACTED],
  [/\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g, REDACTED], // JWTs
  [/\b(Bearer|Basic)\s+[^\s"',;]+/gi, `$1 ${REDACTED}`],
  [/([?&](?:key|api_key|apiKey|access_token|token)=)[^&\s"']+/g, `$1${REDACTED}`],
];

/** A run of key-like characters; any such run sharing 8 characters with the secret goes. */
const TOKEN_RUN = /[A-Za-z0-9_*.+/=:-]{8,}/g;
const SHARED_WINDOW = 8;

function sharesWindowWith(secret: string, token: string): boolean {
  for (let start = 0; start + SHARED_WINDOW <= token.length; start++) {
    if (secret.includes(token.slice(start, start + SHARED_WINDOW))) return true;
  }
  return false;
}

/**
 * Removes the given secrets (and any part of them 8 characters or longer) and anything shaped
 * like a key or token from `text`.
 */
export function scrub(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length > 0) out = out.split(secret).join(REDACTED);
  }
  for (const [pattern, replacement] of KEY_PATTERNS) out = out.replace(pattern, replacement);
  const longSecrets = secrets.filter((secret) => secret.length >= SHARED_WINDOW);
  if (longSecrets.length > 0) {
    out = out.replace(TOKEN_RUN, (token) =>
      longSecrets.some((secret) => sharesWindowWith(secret, token)) ? REDACTED : token,
    );
  }
  return out;
}
