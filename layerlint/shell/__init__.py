"""Shell layer: the POSIX shell parser for RUN scripts, command wrappers and options, package-manager knowledge."""
