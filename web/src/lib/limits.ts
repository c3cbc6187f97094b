// Limits the client enforces before the server would refuse (one place, shared by composers).

/** Slack's (and the server's `MAX_TEXT`) limit on a message's text, in characters. */
export const MAX_MESSAGE_CHARS = 40000;
/** The composer's counter shows from here on, so people see the limit coming. */
export const COUNTER_FROM_CHARS = MAX_MESSAGE_CHARS - 1000;

/** Characters as the server counts them (code points, not UTF-16 units). */
export function messageLength(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}
