"""emoji Web API methods."""
