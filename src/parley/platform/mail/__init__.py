"""Outbound email: a durable outbox table, a worker that sends through SMTP with retries."""
