"""The one wrapper table (shell.commands): every layer reads `sudo -u app pip ...` as pip."""
import pytest

from layerlint.cache.model import build_model
from layerlint.graph import build_graph
from layerlint.shell import parser as shell
from layerlint.shell.commands import inline_script, program, python_module, strip_wrappers
from layerlint.shell.packages import cost_kind, dependency_install
from layerlint.syntax import parse

from .helpers import lint

WRAPPED = [
    "sudo -u app pip install -r requirements.txt",
    "sudo --user=app -E pip install -r requirements.txt",
    "sudo -u app -- pip install -r requirements.txt",
    "gosu app pip install -r requirements.txt",
    "su-exec app:app pip install -r requirements.txt",
    "env -u X pip install -r requirements.txt",
    "env -i A=1 B=2 pip install -r requirements.txt",
    "nice -n 5 timeout 60 pip install -r requirements.txt",
    "sudo -u app python3 -m pip install -r requirements.txt",
    "python$PYTHON_VERSION -m pip install -r requirements.txt",
    "python3.12 -I -m pip install -r requirements.txt",
]


def _cmd(text):
    return shell.parse(text).commands[0]


@pytest.mark.parametrize("text", WRAPPED)
def test_program_through_wrappers(text):
    cmd = _cmd(text)
    assert program(cmd.words) == "pip"
    assert [w.value for w in strip_wrappers(cmd.words)][:2] == ["pip", "install"]
    inst = dependency_install(cmd)
    assert inst is not None and inst.manifests == ("requirements.txt",)
    assert cost_kind(cmd) == "install"


def test_command_v_looks_a_name_up():
    assert program(_cmd("command -v pip").words) == "command"


def test_python_module_is_told_apart_from_the_program_of_that_name():
    # `python -m wget` reads as `wget` (its program name) but is PyPI's module, not GNU wget
    assert python_module(_cmd("sudo python3.12 -u -m wget https://x").words) == "wget"
    assert program(_cmd("python -m wget https://x").words) == "wget"
    assert python_module(_cmd("wget https://x").words) is None
    assert python_module(_cmd("python script.py -m wget").words) is None


@pytest.mark.parametrize("text", WRAPPED)
def test_copy_order_fires_through_wrappers(text):
    df = f"FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nRUN {text}\n"
    found = lint(df, "LL201")
    assert [(f.line, f.column) for f in found] == [(3, 6)]


@pytest.mark.parametrize("text", WRAPPED)
def test_cache_model_prices_wrapped_install(text):
    df = parse(f"FROM python:3.12-slim\nCOPY . .\nRUN {text}\n")
    model = build_model(build_graph(df))
    run = [s for s in model.steps if s.instr.keyword == "RUN"][0]
    assert run.cost == "install"


def test_inline_script_through_the_wrapper_table():
    for text, shell_name in [("sudo -u app bash -c 'pip install x'", "bash"),
                             ("gosu app sh -c 'pip install x'", "sh"),
                             ("busybox sh -c 'pip install x'", "sh"),
                             ("find . -exec sh -c 'echo {}' \\;", "sh")]:
        found = inline_script(_cmd(text).words)
        assert found is not None and found[0] == shell_name, text
    assert inline_script(_cmd("echo sh -c 'x'").words) is None


def test_a_run_is_parsed_once_for_rules_and_cache_model(monkeypatch):
    calls = []
    real = shell.parse
    monkeypatch.setattr(shell, "parse", lambda text: calls.append(text) or real(text))
    from layerlint.engine.lint_file import lint_bytes
    from layerlint.engine.settings import Settings
    data = b"FROM python:3.12-slim\nCOPY . .\nRUN pip install -r requirements.txt && make\n"
    lint_bytes(data, "Dockerfile", Settings())
    assert calls.count("pip install -r requirements.txt && make") == 1


def test_a_backquoted_comment_is_no_word_of_the_command():
    # `# note` expands to nothing: the program is the next word, and no argument is the comment
    cmd = _cmd("`# stage the binaries` /stage.sh /out /bin/dash `# dash too` /bin/cat")
    assert program(cmd.words) == "stage.sh"
    assert [w.value for w in strip_wrappers(cmd.words)] == ["/stage.sh", "/out", "/bin/dash", "/bin/cat"]
    # a substitution that runs something is kept: it is not known to expand to nothing
    cmd = _cmd("`echo apt-get` install -y x")
    assert program(cmd.words) == "`echo apt-get`"


# -- running as another user (#13: installs behind them were unseen) ------------------------------
@pytest.mark.parametrize("text, program", [
    ("runuser -u app -- npm ci", "npm"), ("runuser -u app -g app npm ci", "npm"),
    ("chpst -u app:app npm ci", "npm"), ("chpst -P -u app npm ci", "npm"),
    ("setpriv --reuid=1000 --regid=1000 --init-groups npm ci", "npm"),
    ("setpriv --reuid 1000 --clear-groups npm ci", "npm"),
    ("s6-setuidgid app npm ci", "npm"), ("setuidgid app npm ci", "npm"),
])
def test_user_switching_wrappers_run_the_command_after_them(text, program):
    from layerlint.shell.commands import program as program_of
    from layerlint.shell.parser import parse
    cmd = parse(text).commands[0]
    assert program_of(cmd.words) == program


@pytest.mark.parametrize("text, script", [
    ('su app -c "npm ci"', "npm ci"), ("su - app -c 'cd /app && npm ci'", "cd /app && npm ci"),
    ('su -c "npm ci" app', "npm ci"), ('runuser -l app -c "npm ci"', "npm ci"),
    ('su app --command "npm ci"', "npm ci"),
])
def test_su_and_runuser_run_their_c_script(text, script):
    from layerlint.shell.commands import inline_script
    from layerlint.shell.parser import parse
    words = parse(text).commands[0].words
    shell, found, at = inline_script(words)
    assert (shell, found) == ("sh", script) and text[at:at + len(script)] == script


def test_su_without_a_script_runs_nothing_we_can_read():
    from layerlint.shell.commands import inline_script
    from layerlint.shell.parser import parse
    assert inline_script(parse("su app").commands[0].words) is None
    assert inline_script(parse("su -").commands[0].words) is None
