// Slack's legacy message attachments (apps' cards and link unfurls), drawn from the
// attachment objects themselves. Nothing from an attachment is ever injected as HTML except
// the server's own rendering of its text parts, `message.rendered_attachments[i]`
// (`pretext_html`, `text_html`, `fields[].value_html`, `footer_html`), each sanitised by the
// server (nh3 allow-list) on its own. Links and images are http(s) only.
import { type ReactNode, useState } from "react";
import type { Attachment, Message, RenderedAttachment } from "../api/types";
import { useAppState } from "../app/context";
import { plainText } from "../lib/compose";
import { emojify } from "../lib/emoji";
import { formatFull } from "../lib/ts";
import "./Attachments.css";

const MAX_SHOWN = 20;
const MAX_FIELDS = 50;
const NAMED_COLORS: Record<string, string> = { good: "#2eb67d", warning: "#ecb22e", danger: "#e01e5a" };
// eslint-disable-next-line no-control-regex -- control characters are exactly what it rejects
const UNSAFE_URL_CHARS = /[\s"'<>`\\\u0000-\u001f\u007f]/;

/** `url` when it is an absolute http(s) URL, else undefined (no javascript:, data:, …). */
export function safeHttpUrl(url: unknown): string | undefined {
  if (typeof url !== "string") return undefined;
  const candidate = url.trim();
  if (!candidate || candidate.length > 4096 || UNSAFE_URL_CHARS.test(candidate)) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(candidate);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return undefined;
  if (!/^https?:\/\//i.test(candidate)) return undefined;
  return parsed.href;
}

/** The left bar's colour: Slack's named colours or a hex colour, else undefined. */
export function attachmentColor(color: unknown): string | undefined {
  if (typeof color !== "string") return undefined;
  if (NAMED_COLORS[color]) return NAMED_COLORS[color];
  const hex = /^#?([0-9a-f]{3}|[0-9a-f]{4}|[0-9a-f]{6}|[0-9a-f]{8})$/i.exec(color.trim());
  return hex ? `#${hex[1]}` : undefined;
}

export function hostOf(url: string | undefined): string {
  if (!url) return "";
  try {
    return new URL(url).hostname.replace(/^www\./, "");
  } catch {
    return "";
  }
}

/** The server's rendering of attachment `i`, when it sent one for each attachment. */
export function renderedPartsOf(message: Message, i: number): RenderedAttachment | undefined {
  const rendered = message.rendered_attachments;
  if (!Array.isArray(rendered) || rendered.length !== (message.attachments?.length ?? 0)) return undefined;
  const parts = rendered[i];
  return parts && typeof parts === "object" ? parts : undefined;
}

function Rendered({ html, fallback, className }: { html?: string; fallback?: string; className: string }) {
  const users = useAppState((s) => s.users);
  const conversations = useAppState((s) => s.conversations);
  // Server-rendered and sanitised (`rendered_attachments`); otherwise plain text.
  if (html) return <div className={className} dangerouslySetInnerHTML={{ __html: html }} />;
  if (!fallback) return null;
  return <div className={`${className} att-plain`}>{emojify(plainText(fallback, users, conversations))}</div>;
}

/**
 * Remote card images load through Parley's `/unfurl/image` proxy (see
 * docs/decisions/0004): the CSP keeps `img-src 'self'`, and the viewer's browser never
 * contacts the linked site. The proxy only serves URLs the message itself names.
 */
export function proxiedImageUrl(src: unknown, channel: string, ts: string): string | undefined {
  // The proxy matches the URL exactly as stored on the message, so send it unnormalised.
  if (typeof src !== "string" || !safeHttpUrl(src)) return undefined;
  const query = new URLSearchParams({ channel, ts, url: src });
  return `/unfurl/image?${query.toString()}`;
}

type ImageVia = (src: unknown) => string | undefined;

function SmallIcon({ src, via }: { src?: string; via: ImageVia }) {
  const [failed, setFailed] = useState(false);
  const safe = via(src);
  if (!safe || failed) return null;
  return <img className="att-icon" src={safe} alt="" width={16} height={16} loading="lazy" referrerPolicy="no-referrer" onError={() => setFailed(true)} />;
}

function ExternalLink({ href, children, className }: { href?: string; children: ReactNode; className?: string }) {
  const safe = safeHttpUrl(href);
  if (!safe) return <span className={className}>{children}</span>;
  return (
    <a className={className} href={safe} target="_blank" rel="noopener noreferrer nofollow">
      {children}
    </a>
  );
}

function AttachmentImage({ src, alt, className, via }: { src?: string; alt: string; className: string; via: ImageVia }) {
  const [failed, setFailed] = useState(false);
  const safe = via(src);
  // An image the browser cannot load (or the CSP blocks) is left out, not shown broken.
  if (!safe || failed) return null;
  return <img className={className} src={safe} alt={alt} loading="lazy" referrerPolicy="no-referrer" onError={() => setFailed(true)} />;
}

function footerTime(ts: unknown): string {
  const n = typeof ts === "number" ? ts : typeof ts === "string" ? Number(ts) : NaN;
  if (!Number.isFinite(n) || n <= 0) return "";
  return formatFull(String(Math.floor(n)));
}

function AttachmentCard({ a, parts, via }: { a: Attachment; parts?: RenderedAttachment; via: ImageVia }) {
  const color = attachmentColor(a.color);
  const link = a.title_link ?? a.from_url ?? a.original_url;
  const service = a.service_name || (a.from_url && !a.author_name ? hostOf(safeHttpUrl(a.from_url)) : "");
  const fields = Array.isArray(a.fields) ? a.fields.filter((f) => f && typeof f === "object").slice(0, MAX_FIELDS) : [];
  const when = footerTime(a.ts);
  const text = typeof a.text === "string" ? a.text : undefined;
  const hasBody = !!(service || a.author_name || a.title || text || fields.length || a.image_url || a.footer);
  return (
    <div className="att">
      <Rendered className="att-pretext" html={parts?.pretext_html} fallback={typeof a.pretext === "string" ? a.pretext : undefined} />
      {hasBody && (
        <div className="att-card" style={color ? { borderLeftColor: color } : undefined}>
          <div className="att-main">
            {service && (
              <div className="att-service">
                <SmallIcon src={a.service_icon} via={via} />
                <span>{service}</span>
              </div>
            )}
            {typeof a.author_name === "string" && a.author_name && (
              <div className="att-author">
                <SmallIcon src={a.author_icon} via={via} />
                <ExternalLink href={a.author_link}>{a.author_name}</ExternalLink>
              </div>
            )}
            {typeof a.title === "string" && a.title && (
              <div className="att-title">
                <ExternalLink href={link}>{a.title}</ExternalLink>
              </div>
            )}
            <Rendered className="att-text" html={parts?.text_html} fallback={text} />
            {fields.length > 0 && (
              <dl className="att-fields">
                {fields.map((f, i) => (
                  <div key={i} className={f.short ? "att-field att-field-short" : "att-field"}>
                    <dt>{typeof f.title === "string" ? f.title : ""}</dt>
                    <dd>
                      <Rendered className="att-field-value" html={parts?.fields[i]?.value_html} fallback={typeof f.value === "string" ? f.value : undefined} />
                    </dd>
                  </div>
                ))}
              </dl>
            )}
            <AttachmentImage via={via} className="att-image" src={a.image_url} alt={typeof a.fallback === "string" ? a.fallback : typeof a.title === "string" ? a.title : ""} />
            {(a.footer || when) && (
              <div className="att-footer">
                <SmallIcon src={a.footer_icon} via={via} />
                {parts?.footer_html ? <span className="att-footer-text" dangerouslySetInnerHTML={{ __html: parts.footer_html }} /> : typeof a.footer === "string" && <span>{a.footer}</span>}
                {typeof a.footer === "string" && a.footer && when && <span aria-hidden="true">·</span>}
                {when && <span>{when}</span>}
              </div>
            )}
          </div>
          {!a.image_url && <AttachmentImage via={via} className="att-thumb" src={a.thumb_url} alt="" />}
        </div>
      )}
    </div>
  );
}

/** The message's attachments as cards, with the server's rendering of their text parts. */
export function Attachments({ message, channel }: { message: Message; channel: string }) {
  const via: ImageVia = (src) => proxiedImageUrl(src, channel, message.ts);
  const all = Array.isArray(message.attachments) ? message.attachments : [];
  if (!all.some((a) => a && typeof a === "object")) return null;
  return (
    <div className="atts">
      {all.slice(0, MAX_SHOWN).map((a, i) => (a && typeof a === "object" ? <AttachmentCard key={i} a={a} parts={renderedPartsOf(message, i)} via={via} /> : null))}
    </div>
  );
}
