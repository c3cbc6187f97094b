// rich_text blocks ⇄ composer document ⇄ mrkdwn. See docs/composer.md.
export * from "./model";
export { docToMrkdwn, escapeText, inlinesToMrkdwn, mrkdwnToDoc, mrkdwnToInlines, unescapeText } from "./mrkdwn";
export { blocksToDoc, docToBlocks, findRichText, type RichElement, type RichTextBlock } from "./blocks";

export { docToDom, domToDoc, trimDoc, type DomNames } from "./dom";
