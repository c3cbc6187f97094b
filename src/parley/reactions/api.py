"""reactions Web API methods."""
