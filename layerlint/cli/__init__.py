"""Front end: the console script's fast path, the click app and its subcommands."""
