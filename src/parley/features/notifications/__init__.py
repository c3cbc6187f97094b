"""Notifications (per-conversation levels, keywords, do-not-disturb), reminders, and the
server side of the web client's views (drafts, threads, activity)."""
