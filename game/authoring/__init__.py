"""authoring package."""
