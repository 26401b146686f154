"""Front end: ``layerlint server``, a Language Server over stdio (pygls), beside ``cli``.

``app.py`` is the pygls wiring; ``analysis.py`` (one linted revision of a document),
``features.py`` (the answers), ``symbols.py`` (stage and variable names), ``positions.py``
(LSP positions), ``documents.py``, ``config_edit.py`` and ``transport.py`` do not depend on the
connection.  pygls comes with the optional ``server`` extra, so nothing imports this package
unless ``layerlint server`` runs: ``cli`` looks it up by name.
"""


def main() -> int:
    from .app import main as run
    return run()
