"""Build-context layer: ``.dockerignore`` semantics and context paths that never leave the context."""
