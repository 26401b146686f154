"""LL5xx: the other instructions (USER, COPY, EXPOSE, LABEL, pragmas)."""
