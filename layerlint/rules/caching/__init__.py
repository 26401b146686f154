"""LL2xx: the build cache and layers."""
