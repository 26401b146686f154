"""The package layout is the pipeline: each layer imports only the layers below it."""
import ast
import pathlib

import layerlint

# bottom to top; a module may import its own layer and the ones before it
LAYERS = ["record", "text", "syntax", "shell", "buildctx", "images", "graph", "cache", "rules", "engine", "report",
          "cli", "server"]
ROOT = pathlib.Path(layerlint.__file__).parent


def _layer(module: str) -> str:
    """`layerlint.rules.run.x` -> `rules`; top-level modules are their own layer."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def _imports(path: pathlib.Path, module: str):
    tree = ast.parse(path.read_text())
    pkg = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module != "__future__":
            if node.level:
                base = pkg.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.startswith("layerlint"):
                names = [f"{target}.{a.name}" for a in node.names] if target == "layerlint" else [target]
                for t in names:
                    yield node.lineno, t
        elif isinstance(node, ast.Import):
            for a in node.names:
                if a.name.startswith("layerlint"):
                    yield node.lineno, a.name


def test_each_layer_imports_only_the_layers_below_it():
    wrong = []
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT.parent).with_suffix("")
        module = ".".join(rel.parts[:-1] if rel.name == "__init__" else rel.parts)
        own = _layer(module)
        if own not in LAYERS:
            continue  # layerlint/__init__.py, __main__.py
        for line, target in _imports(path, module):
            other = _layer(target)
            if other in ("", "__main__") or other not in LAYERS:
                continue  # `from layerlint import __version__`
            if LAYERS.index(other) > LAYERS.index(own):
                wrong.append(f"{path.relative_to(ROOT.parent)}:{line} ({own}) imports {target} ({other})")
    assert not wrong, "\n".join(wrong)


def test_every_layer_exists():
    for name in LAYERS:
        assert (ROOT / name).is_dir() or (ROOT / f"{name}.py").is_file(), name
