"""Hostile config files (security issue #19).  Each one is a one-line ConfigError naming the file,
the line when there is one and the key, exit code 2 from the CLI whether the config is named with
--config or found beside the Dockerfile (.layerlint.toml, pyproject.toml); never a traceback, a
hang, unbounded work or "rule LLxxx failed (TypeError)" at lint time.  A config error is a usage
error: it stops the run before any file is linted."""
import math
import os
import re
import subprocess
import sys

import pytest
from click.testing import CliRunner

from layerlint.cli.app import main
from layerlint.engine import settings as settings_module
from layerlint.engine.settings import MAX_CONFIG_BYTES, MAX_ITEMS, ConfigError, find_config, load_config, rule_options
from layerlint.rules import find_rule
from layerlint.rules.options import Float, Int, StrList, shown

GOOD = "FROM alpine:3.20\n"  # LL502 (implicit root user, info) fires on it: proof a config applied or not


def write(path, data) -> str:
    path.write_bytes(data if isinstance(data, bytes) else data.encode())
    return str(path)


def error(tmp_path, data, name="bad.toml") -> ConfigError:
    path = write(tmp_path / name, data)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert info.value.path == path and "\n" not in str(info.value)
    return info.value


def cli(tmp_path, *args):
    """`layerlint check ARGS Dockerfile` in-process (click's own runner; a real exception propagates)."""
    if not (tmp_path / "Dockerfile").exists():
        (tmp_path / "Dockerfile").write_text(GOOD)
    return CliRunner().invoke(main, ["check", "--no-color", *args, str(tmp_path / "Dockerfile")],
                              catch_exceptions=False)


def proc(cwd, *args):
    """The real console entry (its fast path, without click) in a subprocess; the timeout guards a hang."""
    return subprocess.run([sys.executable, "-m", "layerlint", "--no-color", *args, "Dockerfile"], cwd=cwd,
                          capture_output=True, text=True, timeout=120, env=dict(os.environ, NO_COLOR="1"))


def one_config_error(code, stdout, stderr, path, line=None, key=None, says=None) -> str:
    """Exit 2, nothing linted, one stderr line naming the file (and line, key) and no traceback."""
    assert code == 2, (stdout, stderr)
    assert stdout == "" and "Traceback" not in stderr and "failed" not in stderr, stderr
    assert not re.search("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e]", stderr), stderr  # printable
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    where = f"{path}:{line}: " if line is not None else f"{path}: "
    assert lines[0].startswith(f"layerlint: error: {where}"), (lines[0], where)
    if key is not None:
        assert f"'{key}" in lines[0] or f".{key}'" in lines[0], lines[0]
    if says is not None:
        assert says in lines[0], lines[0]
    return lines[0]


# -- every hostile config, named with --config and found as .layerlint.toml and pyproject.toml --------
DEEP = 100_000
CASES = {  # id: (layerlint table text or (text, encoding), line or None, key or None, what the error says)
    "deep arrays": ("a = " + "[" * DEEP + "]" * DEEP + "\n", 1, "a", "nested more than 32 levels deep"),
    "deep inline tables": ("a = " + "{b = " * DEEP + "1" + "}" * DEEP + "\n", 1, "a", "nested more than 32"),
    "deep option value": ("[rules.LL104]\nregistries = " + "[" * 40 + "]" * 40 + "\n", 2, "registries",
                          "nested more than 32 levels deep"),
    "5000-digit integer": ("[rules.LL102]\nmin-saving-mb = " + "9" * 5000 + "\n", 2, "min-saving-mb",
                           "integer of 5000 digits"),
    "integer past 64 bits": ("[rules.LL102]\nmin-saving-mb = 0x" + "f" * 5000 + "\n", 2, "min-saving-mb",
                             "integer out of range"),
    "latin-1": (("# caf\xe9\nfail-on = 'error'\n", "latin-1"), 1, None, "not UTF-8 (byte 0xe9 at column 6)"),
    "utf-16 with BOM": (("fail-on = 'error'\n", "utf-16"), None, None, "UTF-16"),
    "registries = 5": ("trusted-registries = 5\n", 1, "trusted-registries",
                       "expected array of strings, got integer 5"),
    "ints for strings": ("[rules.LL104]\nregistries = [1, 2]\n", 2, "registries", "item 1 is integer 1"),
    "string for a number": ('[rules.LL102]\nmin-saving-mb = "10"\n', 2, "min-saving-mb", "got string '10'"),
    "bool for a number": ("[rules.LL102]\nmin-saving-mb = true\n", 2, "min-saving-mb", "got boolean true"),
    "nan": ("[rules.LL102]\nmin-saving-mb = nan\n", 2, "min-saving-mb", "got float nan"),
    "inf": ("[rules.oversized-base-image]\nmin-saving-mb = inf\n", 2, "min-saving-mb", "got float inf"),
    "negative size": ("[rules.LL102]\nmin-saving-mb = -1\n", 2, "min-saving-mb", "must be >= 0, got -1"),
    "date for a string": ("[rules.LL102]\nplatform = 1979-05-27\n", 2, "platform", "got date 1979-05-27"),
    "select as a string": ('select = "LL1"\n', 1, "select", 'got string \'LL1\'; write select = ["LL1"]'),
    "table for a list": ("[ignore]\nLL101 = true\n", 1, "ignore", "expected array of strings, got table"),
    "repeated key": ('fail-on = "error"\nfail-on = "info"\n', 2, "fail-on", "Cannot overwrite a value"),
    "repeated table": ('[rules.LL102]\nplatform = "a"\n[rules.LL102]\nplatform = "b"\n', 3, "LL102", "twice"),
    "one rule twice": ('[severity]\nLL101 = "error"\nmissing-tag = "info"\n', 3, "missing-tag",
                       "both configure LL101"),
    "1000-part key": ("a" + ".a" * 1000 + " = 1\n", 1, "a.a.a", "more than 32 dotted parts"),
    "too many selectors": ("ignore = [" + '"LL101", ' * (MAX_ITEMS + 1) + "]\n", 1, "ignore",
                           "more than 1,000 rule selectors"),
    "escape in a key": ('"\\u001b]0;pwned\\u0007" = 1\n', 1, "\\x1b]0;pwned\\x07", "unknown config key"),
}


def as_pyproject(text: str) -> str:
    """The same table as ``[tool.layerlint]`` of a pyproject.toml (one line further down)."""
    out = ["[tool.layerlint]"]
    for line in text.split("\n"):
        m = re.match(r"(\[\[?)(.*)", line)
        out.append(f"{m.group(1)}tool.layerlint.{m.group(2)}" if m else line)
    return "\n".join(out)


@pytest.mark.parametrize("how", ["--config", ".layerlint.toml", "pyproject.toml"])
@pytest.mark.parametrize("case", list(CASES))
def test_hostile_configs_are_one_clear_error_from_the_cli(tmp_path, case, how):
    body, line, key, says = CASES[case]
    text, encoding = body if isinstance(body, tuple) else (body, "utf-8")
    name = "pyproject.toml" if how == "pyproject.toml" else ("bad.toml" if how == "--config" else how)
    if how == "pyproject.toml":
        text, line = as_pyproject(text), (line + 1 if line is not None else None)
    path = write(tmp_path / name, text.encode(encoding))
    r = cli(tmp_path, *(["--config", path] if how == "--config" else []))
    one_config_error(r.exit_code, r.stdout, r.stderr, path, line, key, says)


@pytest.mark.parametrize("case", list(CASES))
def test_hostile_configs_are_a_config_error_when_loaded(tmp_path, case):
    body, line, key, says = CASES[case]
    text, encoding = body if isinstance(body, tuple) else (body, "utf-8")
    e = error(tmp_path, text.encode(encoding))
    assert e.line == line and says in e.message, e
    assert key is None or f"'{key}" in str(e) or f".{key}'" in str(e), e


def test_the_console_script_says_the_same(tmp_path):
    # the plain `layerlint --config X Dockerfile` runs without click (cli/fast_path.py)
    write(tmp_path / "bad.toml", CASES["deep arrays"][0])
    p = proc(tmp_path, "--config", "bad.toml")
    one_config_error(p.returncode, p.stdout, p.stderr, "bad.toml", 1, "a", "nested more than 32")
    write(tmp_path / ".layerlint.toml", "[rules.LL102]\nmin-saving-mb = " + "9" * 5000 + "\n")
    p = proc(tmp_path)
    one_config_error(p.returncode, p.stdout, p.stderr, tmp_path / ".layerlint.toml", 2, "min-saving-mb")


def test_wrong_option_types_are_refused_before_any_rule_runs(tmp_path):
    # what used to surface as "rule LL104 failed (TypeError)" when the file was linted
    for value in ("5", "[1, 2]", '"docker.io"', "{ a = 1 }", "true", "[[]]"):
        write(tmp_path / ".layerlint.toml", f"trusted-registries = {value}\n")
        r = cli(tmp_path, "--select", "LL104")
        one_config_error(r.exit_code, r.stdout, r.stderr, tmp_path / ".layerlint.toml", 1, "trusted-registries",
                         "expected array of strings")


# -- pyproject.toml whose tool table is no table ---------------------------------------------------
@pytest.mark.parametrize("text, line, key", [
    ("tool = 1\n", 1, "tool"),
    ("[tool]\nlayerlint = 1\n", 2, "tool.layerlint"),
    ('tool.layerlint = "x"\n', 1, "tool.layerlint"),
    ("[[tool]]\nlayerlint = 1\n", 1, "tool"),
    ("[project]\nname = 'x'\n[tool]\nlayerlint = [1]\n", 4, "tool.layerlint"),
])
def test_pyproject_tool_that_is_not_a_table(tmp_path, text, line, key):
    e = error(tmp_path, text, "pyproject.toml")
    assert e.line == line and e.message.startswith(f"invalid value for '{key}': expected a table, got "), e
    # found automatically too, wherever the file says tool.layerlint
    if "tool.layerlint" in text:
        r = cli(tmp_path)
        one_config_error(r.exit_code, r.stdout, r.stderr, tmp_path / "pyproject.toml", line, key)


def test_a_pyproject_toml_that_does_not_configure_layerlint_is_passed_over(tmp_path):
    write(tmp_path / "pyproject.toml", "tool = 1\n[project]\nname = 'layerlint-plugin'\n")
    r = cli(tmp_path)
    assert r.exit_code == 1 and "LL502" in r.stdout


# -- encodings ---------------------------------------------------------------------------------------
def test_a_utf8_byte_order_mark_is_accepted(tmp_path):
    # Windows editors write one; tomllib rejects it, TOML's own rule is only "UTF-8"
    path = write(tmp_path / ".layerlint.toml", b"\xef\xbb\xbfignore = [\"LL502\"]\n\n[rules.LL104]\nregistries = 5\n")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert info.value.line == 4  # the lines still count from the top
    write(tmp_path / ".layerlint.toml", b"\xef\xbb\xbfignore = [\"LL502\"]\n")
    r = cli(tmp_path)
    assert r.exit_code == 0 and "LL502" not in r.stdout, r.stdout


@pytest.mark.parametrize("data, line, says", [
    ("fail-on = 'error'\n".encode("utf-16-be"), 1, "NUL byte"),  # no BOM: its NULs give it away
    (b'fail-on = "error"\n# \x00\n', 2, "NUL byte"),
    (b'fail-on = "error"\n\nx = "\xff"\n', 3, "not UTF-8 (byte 0xff at column 6)"),
])
def test_encodings_toml_does_not_allow(tmp_path, data, line, says):
    e = error(tmp_path, data)
    assert e.line == line and says in e.message, e


def test_a_utf16_pyproject_with_the_section_is_found_and_refused(tmp_path):
    path = write(tmp_path / "pyproject.toml", "[tool.layerlint]\nignore = ['LL502']\n".encode("utf-16"))
    r = cli(tmp_path)
    one_config_error(r.exit_code, r.stdout, r.stderr, path, None, None, "UTF-16")


# -- what is not a regular file ------------------------------------------------------------------------
def special_files(tmp_path):
    """name -> how to make it at a path (a real directory, FIFO, device symlink...)."""
    return {
        "directory": (os.mkdir, "is a directory, not a regular file"),
        "FIFO": (os.mkfifo, "is a FIFO, not a regular file"),
        "/dev/zero": (lambda p: os.symlink("/dev/zero", p), "is a character device"),
        "dangling symlink": (lambda p: os.symlink("nowhere.toml", p), "No such file or directory"),
        "symlink loop": (lambda p: os.symlink(os.path.basename(p), p), "Too many levels of symbolic links"),
    }


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX special files")
@pytest.mark.parametrize("kind", ["directory", "FIFO", "/dev/zero", "dangling symlink", "symlink loop"])
@pytest.mark.parametrize("name", [".layerlint.toml", "pyproject.toml"])
def test_special_files_found_beside_the_dockerfile(tmp_path, kind, name):
    # found, not passed over: a config further up must not apply instead
    (tmp_path / "repo").mkdir()
    write(tmp_path / ".layerlint.toml", 'ignore = ["LL502"]\n')
    make, says = special_files(tmp_path)[kind]
    path = tmp_path / "repo" / name
    make(str(path))
    try:
        found = find_config(str(tmp_path / "repo" / "Dockerfile"))
    except ConfigError as exc:  # /dev/zero: a symlink out of the repository is refused before it is read
        found = exc.path
        says = "it is a symlink to a file outside its directory"
    assert found == str(path)
    (tmp_path / "repo" / "Dockerfile").write_text(GOOD)
    p = proc(tmp_path / "repo")  # a subprocess: a FIFO opened for reading would block this one forever
    one_config_error(p.returncode, p.stdout, p.stderr, path, None, None, says)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX special files")
@pytest.mark.parametrize("kind", ["FIFO", "/dev/zero", "dangling symlink", "symlink loop"])
def test_special_files_named_with_config(tmp_path, kind):
    make, says = special_files(tmp_path)[kind]
    make(str(tmp_path / "cfg.toml"))
    (tmp_path / "Dockerfile").write_text(GOOD)
    p = proc(tmp_path, "--config", "cfg.toml")
    one_config_error(p.returncode, p.stdout, p.stderr, "cfg.toml", None, None, says)


def test_a_directory_named_with_config(tmp_path):
    (tmp_path / "cfg.toml").mkdir()
    (tmp_path / "Dockerfile").write_text(GOOD)
    p = proc(tmp_path, "--config", "cfg.toml")  # click's own check (dir_okay=False) answers first
    assert p.returncode == 2 and "is a directory" in p.stderr and "Traceback" not in p.stderr and p.stdout == ""
    with pytest.raises(ConfigError, match="is a directory, not a regular file"):
        load_config(str(tmp_path / "cfg.toml"))  # and the loader, for callers of the API


def test_a_fifo_is_never_opened(tmp_path, monkeypatch):
    os.mkfifo(tmp_path / "cfg.toml")
    opened = []
    real_open = os.open
    monkeypatch.setattr(settings_module.os, "open", lambda *a, **k: opened.append(a) or real_open(*a, **k))
    with pytest.raises(ConfigError, match="is a FIFO"):
        load_config(str(tmp_path / "cfg.toml"))
    assert opened == []


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads a mode-000 file")
def test_an_unreadable_config(tmp_path):
    path = write(tmp_path / ".layerlint.toml", 'ignore = ["LL502"]\n')
    os.chmod(path, 0)
    try:
        r = cli(tmp_path)
    finally:
        os.chmod(path, 0o644)
    one_config_error(r.exit_code, r.stdout, r.stderr, path, None, None, "cannot read config: Permission denied")


def test_an_unreadable_config_even_for_root(tmp_path, monkeypatch):
    # as root the mode-000 test above cannot fail; the error a non-root user gets, made by hand
    path = write(tmp_path / ".layerlint.toml", 'ignore = ["LL502"]\n')

    def denied(*a, **k):
        raise PermissionError(13, "Permission denied")
    monkeypatch.setattr(settings_module.os, "open", denied)
    r = cli(tmp_path)
    one_config_error(r.exit_code, r.stdout, r.stderr, path, None, None, "cannot read config: Permission denied")


# -- size ------------------------------------------------------------------------------------------
def test_a_huge_config_is_refused_unread(tmp_path, monkeypatch):
    path = tmp_path / ".layerlint.toml"
    with open(path, "wb") as f:  # 10 MB, sparse: nothing to write, and it must not be read either
        f.write(b'ignore = ["LL502"]\n')
        f.truncate(10 * 1024 * 1024)
    reads = []
    real_read = os.read
    monkeypatch.setattr(settings_module.os, "read", lambda fd, n: reads.append(n) or real_read(fd, n))
    r = cli(tmp_path)
    one_config_error(r.exit_code, r.stdout, r.stderr, path, None, None,
                     "the file is 10 MB; layerlint reads config files of up to 1,024 KB")
    assert reads == []


def test_a_file_that_lies_about_its_size_is_read_only_up_to_the_cap(tmp_path, monkeypatch):
    # /proc files say 0 bytes and have more; a file growing while read likewise
    path = tmp_path / "cfg.toml"
    path.write_bytes(b"#" * (3 * MAX_CONFIG_BYTES))
    real_fstat = os.fstat

    class Small:
        def __init__(self, st):
            self.st_mode, self.st_size = st.st_mode, 0
    monkeypatch.setattr(settings_module.os, "fstat", lambda fd: Small(real_fstat(fd)))
    read = []
    real_read = os.read

    def counted(fd, n):
        data = real_read(fd, n)
        read.append(len(data))
        return data
    monkeypatch.setattr(settings_module.os, "read", counted)
    with pytest.raises(ConfigError, match="the file is over 1,024 KB"):
        load_config(str(path))
    assert sum(read) == MAX_CONFIG_BYTES + 1


def test_a_key_of_many_parts_never_reaches_tomllib(tmp_path, monkeypatch):
    # tomllib's time grows with the square of a dotted key's parts: 500,000 of them took hours
    calls = []
    monkeypatch.setattr(settings_module, "_toml", lambda: calls.append(1))
    for text in ("a" + ".a" * 500_000 + " = 1\n", "[a" + " . a" * 200_000 + "]\n", '"q"' + '."q"' * 40 + "=1\n"):
        e = error(tmp_path, "# fine\n" + text)
        assert e.line == 2 and "more than 32 dotted parts" in e.message
    assert calls == []
    monkeypatch.undo()
    # 32 parts is still fine, and dots in a comment or string are no key
    s = load_config(write(tmp_path / "pyproject.toml", '[tool.layerlint.rules.LL104]\nregistries = ["a.b"]\n'
                          '# ' + ".".join("x" * 40) + "\n[tool.other" + ".a" * 30 + ']\nx = "'
                          + ".".join("y" * 40) + '"\n'))
    assert rule_options(s, find_rule("LL104")) == {"registries": ["a.b"]}


def test_big_tables_and_long_keys_are_bounded(tmp_path):
    e = error(tmp_path, "[build-args]\n" + "".join(f"A{i} = 'x'\n" for i in range(MAX_ITEMS + 1)))
    assert e.line == 1 and "'build-args': 1,001 keys; layerlint accepts up to 1,000" in e.message
    # a megabyte-long key: quoted in part, and no did-you-mean (its edit distance is quadratic)
    long = "k" * 200_000
    for text in (long + " = 1\n", "[rules." + long + "]\n", 'select = ["' + long + '"]\n',
                 "[severity]\n" + long + " = 'error'\n", "[rules.LL104]\n" + long + " = 1\n"):
        e = error(tmp_path, text)
        assert len(str(e)) < 400 and "k" * 60 + "\u2026" in e.message, e


def test_a_value_as_long_as_the_file_is_quoted_short(tmp_path):
    e = error(tmp_path, 'fail-on = "' + "x" * 200_000 + '"\n')
    assert len(str(e)) < 400 and "expected one of" in e.message


# -- symlinks --------------------------------------------------------------------------------------
def secret_toml(tmp_path):
    """A TOML file outside the repository, as a credentials file would be."""
    (tmp_path / "home").mkdir()
    return write(tmp_path / "home" / "credentials.toml",
                 '[tool.layerlint]\nselect = ["s3cr3t-value"]\n[registry]\ns3cr3t-key = "s3cr3t-token"\n')


@pytest.mark.parametrize("name", [".layerlint.toml", "pyproject.toml"])
@pytest.mark.parametrize("vcs", [True, False])
def test_a_config_found_in_a_repository_may_not_point_out_of_it(tmp_path, name, vcs):
    secret = secret_toml(tmp_path)
    repo = tmp_path / "repo"
    (repo / "svc").mkdir(parents=True)
    if vcs:
        (repo / ".git").mkdir()
    os.symlink(secret, repo / "svc" / name)
    (repo / "svc" / "Dockerfile").write_text(GOOD)
    p = proc(repo / "svc")
    line = one_config_error(p.returncode, p.stdout, p.stderr, repo / "svc" / name, None, None,
                            "it is a symlink to a file outside")
    assert (f"the repository {repo}" in line) == vcs
    assert "s3cr3t" not in p.stdout + p.stderr


def test_a_symlink_inside_the_repository_is_followed(tmp_path):
    repo = tmp_path / "repo"
    (repo / "svc").mkdir(parents=True)
    (repo / ".git").mkdir()
    write(repo / "shared.toml", 'ignore = ["LL502"]\n')
    os.symlink("../shared.toml", repo / "svc" / ".layerlint.toml")
    r = cli(repo / "svc")
    assert r.exit_code == 0 and "LL502" not in r.stdout and r.stderr == "", (r.stdout, r.stderr)


def test_a_symlink_named_with_config_is_followed(tmp_path):
    # the user named it: their own file, wherever it is
    (tmp_path / "home").mkdir()
    target = write(tmp_path / "home" / "layerlint.toml", 'ignore = ["LL502"]\n')
    (tmp_path / "repo").mkdir()
    os.symlink(target, tmp_path / "repo" / "cfg.toml")
    r = cli(tmp_path / "repo", "--config", str(tmp_path / "repo" / "cfg.toml"))
    assert r.exit_code == 0 and "LL502" not in r.stdout, (r.stdout, r.stderr)


# -- names and text that must print as text ------------------------------------------------------------
def test_a_config_path_with_control_characters_is_printed_escaped(tmp_path):
    d = tmp_path / "evil\x1b[2J\u202e"
    d.mkdir()
    path = write(d / ".layerlint.toml", "fail-on = 5\n")
    r = cli(d)
    assert "\x1b" not in r.stderr and "\u202e" not in r.stderr
    one_config_error(r.exit_code, r.stdout, r.stderr, str(path).replace("\x1b", "\\x1b").replace("\u202e", "\\u202e"),
                     1, "fail-on")


@pytest.mark.skipif(sys.platform in ("darwin", "win32"), reason="file names must be bytes the OS keeps")
def test_a_config_path_that_is_not_utf8(tmp_path):
    d = os.path.join(os.fsencode(tmp_path), b"caf\xe9")
    os.mkdir(d)
    with open(os.path.join(d, b".layerlint.toml"), "wb") as f:
        f.write(b"fail-on = 5\n")
    with open(os.path.join(d, b"Dockerfile"), "wb") as f:
        f.write(GOOD.encode())
    p = subprocess.run([sys.executable, "-m", "layerlint", "Dockerfile"], cwd=d, capture_output=True, timeout=120)
    assert p.returncode == 2 and b"Traceback" not in p.stderr and p.stdout == b""
    assert p.stderr.count(b"\n") == 1 and b"caf\\xe9" in p.stderr and b"'fail-on'" in p.stderr, p.stderr


# -- the option types themselves ---------------------------------------------------------------------
def test_number_options_take_finite_non_boolean_numbers():
    f, i = Float(1, min=0), Int(1)
    for bad in (math.nan, math.inf, -math.inf, True, False, "1", None):
        assert f.check(bad), bad
    for bad in (True, 1.0, math.inf, "1"):
        assert i.check(bad), bad
    assert f.check(0) is None and f.check(2.5) is None and i.check(-3) is None


def test_messages_quote_any_value_briefly():
    deep: list = []
    for _ in range(10_000):  # deeper than Python's recursion limit
        deep = [deep]
    huge = 10 ** 5000  # more digits than repr() converts (Python 3.11 on)
    for value in (deep, huge, "x" * 10 ** 6, list(range(10 ** 5)), {str(k): k for k in range(10 ** 4)}):
        text = shown(value)
        assert len(text) <= 60, text
    if hasattr(sys, "get_int_max_str_digits"):
        assert shown(huge) == "<integer of 16610 bits>"
    assert StrList([]).check([deep]).startswith("expected array of strings, but item 1 is array [[[[")
    assert len(StrList([]).check([deep])) < 200
    assert Int(1, max=10).check(huge).startswith("must be <= 10, got ")
