"""Features: each folder plugs into the platform through its registries."""
