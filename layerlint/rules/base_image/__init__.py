"""LL1xx: the base image (tags, size, registries)."""
