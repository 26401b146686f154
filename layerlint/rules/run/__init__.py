"""LL3xx: what RUN scripts do."""
