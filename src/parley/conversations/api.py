"""conversations Web API methods."""
