/** Plain, line-based progress instead of a live tree: under CI, or when nobody watches a terminal. */
export function wantsPlainOutput(): boolean {
  return Boolean(process.env.CI) || !process.stdout.isTTY;
}
