"""Cache layer: where layers are cut, what invalidates each step, what-if rebuilds and their explanation."""
