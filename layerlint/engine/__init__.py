"""Engine: settings, linting one file, batches of paths, the fixer and the optional ShellCheck pass."""
