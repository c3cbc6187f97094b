"""search Web API methods."""
