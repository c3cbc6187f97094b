"""Background workers: the platform's own (the outbox relay) and those features register."""
