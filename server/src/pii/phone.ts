/**
 * Normalises a phone number: separators dropped, a +86/0086 prefix on an 11-digit Chinese
 * mobile number dropped. Returns null unless 5–15 digits remain (DESIGN §11), with an optional +.
 */
export function normaliseMsisdn(input: string): string | null {
  let s = input.trim().replace(/[\s\-().]/g, '');
  if (/^(\+86|0086)1\d{10}$/.test(s)) s = s.replace(/^(\+86|0086)/, '');
  return /^\+?\d{5,15}$/.test(s) ? s : null;
}

/** `13812345678` → `138****5678`; short numbers keep only their last two digits. */
export function maskMsisdn(msisdn: string): string {
  if (msisdn.length >= 8) return `${msisdn.slice(0, 3)}${'*'.repeat(msisdn.length - 7)}${msisdn.slice(-4)}`;
  return `${'*'.repeat(Math.max(0, msisdn.length - 2))}${msisdn.slice(-2)}`;
}

/** `张三丰` → `张**`. */
export function maskName(name: string): string {
  const chars = [...name];
  return chars.length <= 1 ? '*' : chars[0] + '*'.repeat(chars.length - 1);
}
