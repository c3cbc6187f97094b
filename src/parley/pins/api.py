"""pins Web API methods."""
