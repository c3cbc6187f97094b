"""Outbound network access that is safe against SSRF (link previews, oEmbed…)."""
