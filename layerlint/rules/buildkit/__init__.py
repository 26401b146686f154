"""LL4xx: BuildKit's own build checks."""
