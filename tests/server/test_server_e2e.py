"""``layerlint server`` driven as an editor drives it: a real process, JSON-RPC over its stdin and
stdout (tests/server/lsp_client.py).  One server serves most tests (each opens its own
document); the ones that need other start-up options or may end the process have their own."""
import os
import subprocess
import sys

import pytest

from layerlint.rules import find_rule

from .lsp_client import (REPO, Client, LspError, apply_edits, file_uri, position_of, text_at, to_offset,
                         workspace_edits)

pytest.importorskip("pygls")

APP = """\
# syntax=docker/dockerfile:1
ARG BASE=python:3.12-slim
FROM ${BASE} AS Deps
ARG VERSION=1.0
WORKDIR /app
COPY . .
RUN echo "\U0001F600 $VERSION" && apt-get update && apt-get install curl
RUN pip install --no-cache-dir -r requirements.txt
FROM deps AS final
COPY --from=deps /app /srv
ENV MODE=prod
RUN echo ${MODE} $VERSION
"""


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    root = tmp_path_factory.mktemp("ws")
    (root / ".git").mkdir()  # the config search stops at the repository, as in a real checkout
    (root / "requirements.txt").write_text("flask\n")
    return root


@pytest.fixture(scope="module")
def server(workspace):
    c = Client(cwd=str(workspace))
    c.initialize(root=str(workspace))
    yield c
    c.kill()


def _open(server, workspace, name, text, **kw):
    path = workspace / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8", "surrogatepass"))  # the server reads the text sent, not this
    uri = file_uri(str(path))
    mark = server.mark()
    server.open(uri, text, **kw)
    return uri, server.diagnostics(uri, after=mark)


def _by_code(diags):
    out = {}
    for d in diags:
        out.setdefault(d.get("code"), []).append(d)
    return out


def test_initialize_says_what_the_server_does(workspace):
    c = Client(cwd=str(workspace))
    try:
        caps = c.initialize()["capabilities"]
        assert caps["positionEncoding"] == "utf-16"  # the client offered none
        assert caps["textDocumentSync"]["change"] == 2  # incremental
        for provider in ("hoverProvider", "definitionProvider", "referencesProvider", "documentSymbolProvider",
                         "codeActionProvider", "renameProvider", "completionProvider", "codeLensProvider"):
            assert caps[provider], provider
        assert "source.fixAll.layerlint" in caps["codeActionProvider"]["codeActionKinds"]
        # the configs are watched, so an edited config is read again
        reg = c.server_request("client/registerCapability")["params"]["registrations"][0]
        globs = [w["globPattern"] for w in reg["registerOptions"]["watchers"]]
        assert "**/.layerlint.toml" in globs and "**/pyproject.toml" in globs
    finally:
        assert c.shutdown_and_exit() == 0
    assert b"Traceback" not in c.stderr


def test_diagnostics_on_open_have_the_exact_word_the_docs_link_and_the_line_they_name(server, workspace):
    uri, diags = _open(server, workspace, "a/Dockerfile", APP)
    codes = _by_code(diags)
    assert {"LL400", "LL201", "LL311", "LL312"} <= set(codes)
    casing = codes["LL400"][0]
    assert text_at(APP, casing["range"]) == "Deps"
    assert casing["source"] == "layerlint"
    assert casing["severity"] == {"error": 1, "warning": 2, "info": 3, "style": 3}[find_rule("LL400").severity]
    assert casing["codeDescription"]["href"] == find_rule("LL400").help_uri
    # after an astral character: UTF-16 counts it as two units, layerlint as one column
    assert text_at(APP, codes["LL311"][0]["range"]) == "install"
    assert codes["LL311"][0]["range"]["start"]["character"] == APP.splitlines()[6].index("install") + 1
    # "COPY . . (line 6) ... before pip install ... (line 8)": the install is linked
    related = codes["LL201"][0]["relatedInformation"]
    assert [r["location"]["range"]["start"]["line"] for r in related] == [7]
    assert related[0]["location"]["uri"] == uri and "pip install" in related[0]["message"]


def test_a_change_is_linted_again(server, workspace):
    uri, diags = _open(server, workspace, "b/Dockerfile", "FROM alpine\nRUN echo hi\n")
    assert "LL101" in _by_code(diags)  # no tag
    mark = server.mark()
    # an incremental change: the tag typed after `alpine`
    server.change(uri, 2, [{"range": {"start": {"line": 0, "character": 11}, "end": {"line": 0, "character": 11}},
                            "text": ":3.20"}])
    after = server.diagnostics(uri, version=2, after=mark)
    assert "LL101" not in _by_code(after)


def test_quick_fix_is_applied_to_the_text(server, workspace):
    text = "FROM alpine:3.20 AS Build\nRUN echo hi\nFROM alpine:3.20\nCOPY --from=Build /a /a\n"
    uri, diags = _open(server, workspace, "c/Dockerfile", text)
    d = _by_code(diags)["LL400"][0]
    actions = server.request("textDocument/codeAction", {"textDocument": {"uri": uri}, "range": d["range"],
                                                         "context": {"diagnostics": [d]}})
    fix = next(a for a in actions if a.get("isPreferred"))
    assert fix["kind"] == "quickfix" and fix["diagnostics"][0]["code"] == "LL400"
    fixed = apply_edits(text, workspace_edits(fix["edit"], uri))
    assert fixed.splitlines()[0] == "FROM alpine:3.20 AS build"
    mark = server.mark()
    server.change(uri, 2, [{"text": fixed}])
    assert "LL400" not in _by_code(server.diagnostics(uri, version=2, after=mark))


def test_fix_all_applies_every_safe_fix(server, workspace):
    text = "from alpine:3.20 AS Build\nRUN echo hi\nFROM alpine:3.20\n"
    uri, _ = _open(server, workspace, "d/Dockerfile", text)
    actions = server.request("textDocument/codeAction", {
        "textDocument": {"uri": uri}, "range": {"start": {"line": 0, "character": 0},
                                                "end": {"line": 0, "character": 0}},
        "context": {"diagnostics": [], "only": ["source.fixAll"]}})
    assert [a["kind"] for a in actions] == ["source.fixAll.layerlint"]
    fixed = apply_edits(text, workspace_edits(actions[0]["edit"], uri))
    assert fixed.splitlines()[0] == "FROM alpine:3.20 AS build"


def test_ignore_on_this_line_inserts_the_pragma(server, workspace):
    text = "FROM alpine:3.20\n  RUN apt-get install -y curl\n"
    uri, diags = _open(server, workspace, "e/Dockerfile", text)
    d = _by_code(diags)["LL312"][0]
    actions = server.request("textDocument/codeAction", {"textDocument": {"uri": uri}, "range": d["range"],
                                                         "context": {"diagnostics": [d]}})
    ignore = next(a for a in actions if "# layerlint: ignore" in a["title"] and a["title"].startswith("LL312"))
    fixed = apply_edits(text, workspace_edits(ignore["edit"], uri))
    assert fixed.splitlines()[1] == "  # layerlint: ignore=LL312"
    mark = server.mark()
    server.change(uri, 2, [{"text": fixed}])
    codes = _by_code(server.diagnostics(uri, version=2, after=mark))
    assert "LL312" not in codes and "LL315" in codes
    # a second rule on the same instruction joins the pragma that is there
    d = codes["LL315"][0]
    actions = server.request("textDocument/codeAction", {"textDocument": {"uri": uri}, "range": d["range"],
                                                         "context": {"diagnostics": [d]}})
    ignore = next(a for a in actions if "# layerlint: ignore" in a["title"] and a["title"].startswith("LL315"))
    again = apply_edits(fixed, workspace_edits(ignore["edit"], uri))
    assert again.splitlines()[1] == "  # layerlint: ignore=LL312,LL315"


def test_ignore_in_config_edits_the_nearest_config_and_it_is_read_again(server, workspace):
    proj = workspace / "f"
    proj.mkdir()
    config = proj / "pyproject.toml"
    config.write_text('[project]\nname = "x"\n\n[tool.layerlint]\nfail-on = "warning"\n\n[tool.other]\nk = 1\n')
    text = "FROM alpine\n"
    uri, diags = _open(server, workspace, "f/Dockerfile", text)
    d = _by_code(diags)["LL101"][0]
    actions = server.request("textDocument/codeAction", {"textDocument": {"uri": uri}, "range": d["range"],
                                                         "context": {"diagnostics": [d]}})
    action = next(a for a in actions if a["title"] == "LL101: ignore in pyproject.toml")
    config_uri = file_uri(str(config))
    new = apply_edits(config.read_text(), workspace_edits(action["edit"], config_uri))
    assert new == '[project]\nname = "x"\n\n[tool.layerlint]\nignore = ["LL101"]\nfail-on = "warning"\n\n' \
                  '[tool.other]\nk = 1\n'
    config.write_text(new)
    mark = server.mark()
    server.notify("workspace/didChangeWatchedFiles", {"changes": [{"uri": config_uri, "type": 2}]})
    assert "LL101" not in _by_code(server.diagnostics(uri, after=mark))


def test_ignore_in_config_offers_a_new_config_when_there_is_none(server, workspace):
    uri, diags = _open(server, workspace, "g/Dockerfile", "FROM alpine\n")
    d = _by_code(diags)["LL101"][0]
    actions = server.request("textDocument/codeAction", {"textDocument": {"uri": uri}, "range": d["range"],
                                                         "context": {"diagnostics": [d]}})
    action = next(a for a in actions if a["title"] == "LL101: ignore in a new .layerlint.toml")
    create, edit = action["edit"]["documentChanges"]
    assert create == {"kind": "create", "uri": file_uri(str(workspace / ".layerlint.toml")),
                      "options": {"ignoreIfExists": True}}
    assert edit["edits"][0]["newText"] == 'ignore = ["LL101"]\n'


def test_a_broken_config_is_one_diagnostic_and_the_file_is_still_linted(server, workspace):
    (workspace / "h").mkdir()
    (workspace / "h" / ".layerlint.toml").write_text("ignore = [\n")
    _, diags = _open(server, workspace, "h/Dockerfile", "FROM alpine\n")
    codes = _by_code(diags)
    assert len(codes["config"]) == 1 and ".layerlint.toml:" in codes["config"][0]["message"]
    assert "LL101" in codes


def test_hover_shows_the_rule_docs_on_a_finding_and_the_cache_on_an_instruction(server, workspace):
    uri, _ = _open(server, workspace, "i/Dockerfile", APP)

    def hover(needle, delta=0):
        r = server.request("textDocument/hover", {"textDocument": {"uri": uri},
                                                  "position": position_of(APP, needle, delta=delta)})
        return r["contents"]["value"] if r else ""

    on_finding = hover("install curl", 2)
    assert "**LL311**" in on_finding and find_rule("LL311").help_uri in on_finding
    assert "# LL311 " in on_finding  # the rule's documentation
    pip = hover("pip install")
    assert "re-runs when" in pip and "line 6" in pip and "(layer)" in pip
    base = hover("FROM deps")
    assert "built on stage `deps`" in base
    first = hover("${BASE} AS", 2)
    assert "python:3.12-slim" in first and "Docker Official Image" in first
    assert "**`BASE`** = `python:3.12-slim`" in first  # the variable under the cursor
    workdir = hover("WORKDIR")
    assert "(layer)" in workdir
    global_arg = hover("ARG BASE")
    assert "**global ARG**" in global_arg and "used on line 3" in global_arg


def test_document_symbols_are_stages_and_their_steps(server, workspace):
    uri, _ = _open(server, workspace, "j/Dockerfile", APP)
    symbols = server.request("textDocument/documentSymbol", {"textDocument": {"uri": uri}})
    assert [s["name"] for s in symbols] == ["BASE", "Deps", "final"]
    deps = symbols[1]
    assert [c["name"].split()[0] for c in deps["children"]] == ["ARG", "WORKDIR", "COPY", "RUN", "RUN"]
    assert text_at(APP, deps["selectionRange"]) == "Deps"
    assert deps["range"]["start"]["line"] == 2 and deps["range"]["end"]["line"] == 7


def test_definition_references_and_rename_of_a_stage(server, workspace):
    uri, _ = _open(server, workspace, "k/Dockerfile", APP)
    at = {"textDocument": {"uri": uri}, "position": position_of(APP, "--from=deps", delta=8)}
    [loc] = server.request("textDocument/definition", at)
    assert text_at(APP, loc["range"]) == "Deps"
    refs = server.request("textDocument/references", {**at, "context": {"includeDeclaration": True}})
    assert sorted(text_at(APP, r["range"]) for r in refs) == ["Deps", "deps", "deps"]
    prep = server.request("textDocument/prepareRename", at)
    assert prep["placeholder"] == "deps"
    edit = server.request("textDocument/rename", {**at, "newName": "base"})
    renamed = apply_edits(APP, workspace_edits(edit, uri))
    assert "FROM ${BASE} AS base\n" in renamed and "FROM base AS final\n" in renamed
    assert "COPY --from=base /app" in renamed
    with pytest.raises(LspError, match="exists already"):
        server.request("textDocument/rename", {**at, "newName": "final"})
    with pytest.raises(LspError, match="not a stage name"):
        server.request("textDocument/rename", {**at, "newName": "no way"})


def test_definition_references_and_rename_of_a_variable(server, workspace):
    uri, _ = _open(server, workspace, "l/Dockerfile", APP)
    use = {"textDocument": {"uri": uri}, "position": position_of(APP, "$VERSION", nth=1, delta=1)}
    [loc] = server.request("textDocument/definition", use)
    assert loc["range"]["start"]["line"] == 3 and text_at(APP, loc["range"]) == "VERSION"
    refs = server.request("textDocument/references", {**use, "context": {"includeDeclaration": False}})
    assert sorted(r["range"]["start"]["line"] for r in refs) == [6, 11]
    edit = server.request("textDocument/rename", {**use, "newName": "APP_VERSION"})
    renamed = apply_edits(APP, workspace_edits(edit, uri))
    assert "ARG APP_VERSION=1.0" in renamed and "$APP_VERSION\" &&" in renamed and "$APP_VERSION\n" in renamed
    # the global ARG of a FROM line
    base = {"textDocument": {"uri": uri}, "position": position_of(APP, "${BASE}", delta=2)}
    [loc] = server.request("textDocument/definition", base)
    assert loc["range"]["start"]["line"] == 1
    mode = {"textDocument": {"uri": uri}, "position": position_of(APP, "${MODE}", delta=2)}
    [loc] = server.request("textDocument/definition", mode)
    assert loc["range"]["start"]["line"] == 10


def test_completion_of_instructions_flags_stages_and_variables(server, workspace):
    text = APP + "\n"
    uri, _ = _open(server, workspace, "m/Dockerfile", text)
    last = len(text.splitlines())
    version = [1]

    def complete(typed):
        """The items at the end of ``typed`` on a new last line, each applied to the text."""
        mark = server.mark()
        version[0] += 1
        new = text + typed
        server.change(uri, version[0], [{"text": new}])
        server.diagnostics(uri, version=version[0], after=mark)
        items = server.request("textDocument/completion", {"textDocument": {"uri": uri}, "position": {
            "line": last, "character": len(typed)}})["items"]
        return {i["label"]: apply_edits(new, [i["textEdit"]]).splitlines()[last] for i in items}

    keywords = complete("CO")
    assert {"FROM", "RUN", "COPY", "HEALTHCHECK"} <= set(keywords) and keywords["COPY"] == "COPY "
    assert complete("COPY --from=de") == {"deps": "COPY --from=deps"}
    flags = complete("COPY --ch")
    assert flags["--chown"] == "COPY --chown=" and flags["--link"] == "COPY --link" and "--mount" not in flags
    assert complete("RUN --")["--mount"] == "RUN --mount="
    assert complete("RUN --mount=type=ca")["cache"] == "RUN --mount=type=cache"
    names = complete("RUN echo ${VER")
    assert names["VERSION"] == "RUN echo ${VERSION"
    assert {"VERSION", "MODE", "HTTP_PROXY"} <= set(names)
    assert "BASE" not in names and "TARGETARCH" not in names  # global: a stage must declare them


def test_code_lenses_name_each_stage_and_what_it_needs(server, workspace):
    uri, _ = _open(server, workspace, "n/Dockerfile", APP)
    lenses = server.request("textDocument/codeLens", {"textDocument": {"uri": uri}})
    titles = [lens["command"]["title"] for lens in lenses]
    assert titles == ["stage deps: base python:3.12-slim", "stage final: base deps; needs deps"]


def test_lone_cr_form_feed_and_line_separator_keep_positions_right(server, workspace):
    # LSP ends lines at CR; Python's splitlines also at \x0c and U+2028, which LSP does not
    text = "# a\u2028comment\x0c here\nFROM alpine\rRUN x\n"
    uri, _ = _open(server, workspace, "o/Dockerfile", text)
    mark = server.mark()
    # insert the tag: line 1 (after the comment line) in LSP's count
    server.change(uri, 2, [{"range": {"start": {"line": 1, "character": 11}, "end": {"line": 1, "character": 11}},
                            "text": ":3.20"}])
    after = server.diagnostics(uri, version=2, after=mark)
    new = text.replace("FROM alpine", "FROM alpine:3.20")
    assert "LL101" not in _by_code(after)
    for d in after:
        assert to_offset(new, d["range"]["end"]["line"], d["range"]["end"]["character"]) <= len(new)


def test_bad_documents_give_diagnostics_not_a_dead_server(server, workspace):
    cases = {
        "heredoc": "FROM alpine:3.20\nRUN <<EOF\necho never ends\n",
        "binary": "FROM alpine:3.20\n\x00\x01\x02\n",
        "surrogate": "FROM alpine:3.20\nLABEL x=\ud800\n",
        "empty": "",
        "continuation": "FROM alpine:3.20\nRUN echo \\\n",
        "bom": "\ufeffFROM alpine\n",
    }
    for name, text in cases.items():
        uri, diags = _open(server, workspace, f"bad/{name}/Dockerfile", text)
        assert isinstance(diags, list)
        for d in diags:
            assert d["source"] == "layerlint"
    _, binary = _open(server, workspace, "bad/binary2/Dockerfile", cases["binary"])
    assert any("NUL" in d["message"] for d in binary)
    _, heredoc = _open(server, workspace, "bad/heredoc2/Dockerfile", cases["heredoc"])
    [unterminated] = [d for d in heredoc if "unterminated heredoc" in d["message"]]
    assert text_at(cases["heredoc"], unterminated["range"]).startswith("<<EOF")
    _, bom = _open(server, workspace, "bad/bom2/Dockerfile", cases["bom"])
    assert text_at(cases["bom"], _by_code(bom)["LL101"][0]["range"]) == "alpine"
    # and it still answers
    uri, _ = _open(server, workspace, "bad/after/Dockerfile", APP)
    assert server.request("textDocument/documentSymbol", {"textDocument": {"uri": uri}})


def test_garbage_on_the_wire_and_a_huge_document(workspace):
    c = Client(cwd=str(workspace))
    try:
        caps = c.initialize(encodings=["utf-8", "utf-16"], init_options={"maxDocumentBytes": 5000})
        assert caps["capabilities"]["positionEncoding"] == "utf-8"
        c.send_raw(b"Content-Length: 5\r\n\r\n{nope")  # not JSON
        c.send_raw(b"Content-Length: 12\r\n\r\n[1, 2, 3, 4]")  # JSON, not a message
        c.send_raw(b"Content-Length: " + b"9" * 5000 + b"\r\n\r\n")  # a length Python cannot convert
        c.send_raw(b"X" * 100_000 + b"\r\n")  # a header line without end
        c.send_raw(b"Content-Length: 99999999999999999999\r\n\r\n")  # more than anyone sends
        c.send_raw(b"Content-Length: 70000000\r\n\r\n" + b"x" * 70_000_000)  # over the 64 MB a message may have
        deep = b"[" * 100_000 + b"]" * 100_000
        c.send_raw(b"Content-Length: %d\r\n\r\n" % len(deep) + deep)
        c.notify("textDocument/didChange", {"textDocument": {"uri": "file:///never/opened", "version": 3},
                                            "contentChanges": [{"text": "x"}]})
        with pytest.raises(LspError):
            c.request("textDocument/hover", {"textDocument": 7})
        with pytest.raises(LspError):
            c.request("no/such/method", {})
        # the connection is framed again after the garbage: a real document, in UTF-8 units
        uri = file_uri(str(workspace / "z" / "Dockerfile"))
        c.open(uri, APP)
        d = next(x for x in c.diagnostics(uri) if x["code"] == "LL311")
        assert text_at(APP, d["range"], "utf-8") == "install"
        line = APP.splitlines()[6]
        assert d["range"]["start"]["character"] == len(line[:line.index("install")].encode("utf-8"))
        huge = "FROM alpine\n" + "RUN echo hi\n" * 1000
        big = file_uri(str(workspace / "z" / "big.Dockerfile"))
        c.open(big, huge)
        [only] = c.diagnostics(big)
        assert only["message"].startswith("not linted: the document is") and "5 KB" in only["message"]
    finally:
        code = c.shutdown_and_exit()
    assert code == 0
    err = c.stderr.decode("utf-8", "replace")
    assert "Traceback" not in err and "dropped a message of 70000000 bytes" in err


RAISING = """
import sys
from layerlint import rules
from layerlint.rules import Rule

def check(ctx):
    raise ValueError("boom")
    yield

rules.all_rules()["LL998"] = Rule(code="LL998", name="always-raises", severity="warning", summary="raises",
                                 doc="Raises.", hadolint=(), buildkit=(), check=check)
from layerlint.server.app import main
main()
"""


def test_a_rule_that_raises_is_one_diagnostic_and_changes_are_debounced(workspace, tmp_path):
    c = Client(cwd=str(workspace), argv=[sys.executable, "-c", RAISING])
    try:
        c.initialize(init_options={"debounceMs": 800})
        uri = file_uri(str(workspace / "r" / "Dockerfile"))
        c.open(uri, "FROM alpine\n")
        diags = c.diagnostics(uri)
        failed = [d for d in diags if "rule LL998 failed (ValueError: boom)" in d["message"]]
        assert len(failed) == 1 and failed[0]["severity"] == 1
        assert "LL101" in _by_code(diags)  # the other rules are still published
        mark = c.mark()
        # five quick edits: one lint, of the last
        messages = b"".join(c.frame({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
            "textDocument": {"uri": uri, "version": v}, "contentChanges": [{"text": f"FROM alpine:3.{v}\n"}]}})
            for v in range(2, 7))
        c.send_raw(messages)
        assert "LL101" not in _by_code(c.diagnostics(uri, version=6, after=mark))
        published = [n["params"].get("version") for n in c.notifications[mark:]
                     if n["method"] == "textDocument/publishDiagnostics"]
        assert published == [6]
        c.notify("exit", None)  # without shutdown first: exit code 1, as LSP says
        assert c.wait_exit() == 1
    finally:
        c.kill()
    assert b"Traceback" not in c.stderr


def test_without_pygls_the_command_says_which_extra_to_install(tmp_path):
    blocker = tmp_path / "sitecustomize.py"
    blocker.write_text("import sys\nclass B:\n    def find_spec(self, name, path=None, target=None):\n"
                       "        if name.split('.')[0] == 'pygls':\n            raise ImportError('no', name=name)\n"
                       "sys.meta_path.insert(0, B())\n")
    env = {**os.environ, "PYTHONPATH": str(tmp_path) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    p = subprocess.run([sys.executable, "-m", "layerlint", "server"], capture_output=True, text=True, env=env,
                       cwd=REPO, stdin=subprocess.DEVNULL, timeout=60)
    assert p.returncode == 2
    assert p.stderr.strip().splitlines() == [
        "layerlint: error: layerlint server needs the server extra: pip install 'layerlint[server]'"]


def test_a_plain_lint_run_does_not_import_the_server():
    p = subprocess.run([sys.executable, "-X", "importtime", "-m", "layerlint", "examples/Dockerfile"],
                       capture_output=True, text=True, cwd=REPO, timeout=60)
    mods = {line.rsplit("|", 1)[1].strip() for line in p.stderr.splitlines() if line.startswith("import time:")}
    assert "LL101" in p.stdout
    assert not {m for m in mods if m.split(".")[0] in ("pygls", "lsprotocol", "cattrs")} | (
        {m for m in mods if m.startswith("layerlint.server")})
