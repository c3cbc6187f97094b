"""bookmarks Web API methods."""
