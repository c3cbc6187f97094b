// Limits the server enforces, checked before sending so that nothing is sent to fail.
// tests/features/messages/test_text_limit.py checks these against the server's values.

/** A message's text, as sent (mentions encoded), in characters (code points, as the server
 * counts them): `MAX_TEXT` in features/messages/actions.py, Slack's 40,000. */
export const MESSAGE_TEXT_LIMIT = 40_000;

/** The counter appears this close to the limit. */
export const MESSAGE_COUNTER_FROM = MESSAGE_TEXT_LIMIT - 1_000;

/** Characters as the server counts them (Python's `len`: code points, not UTF-16 units). */
export function characterCount(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}
