"""events Web API methods."""
