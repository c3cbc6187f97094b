"""messages Web API methods."""
