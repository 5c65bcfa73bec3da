"""Long work in the background: large exports and imports, with progress and a download."""
