"""Run action.yml the way the GitHub Actions runner runs a composite action (for tests).

What the runner does, and so what this does (actions/runner, src/Runner.Worker):

- each ``run`` step through ``bash --noprofile --norc -eo pipefail {0}`` in the workspace, with
  its ``env`` (``${{ }}`` expressions evaluated: inputs, steps.*.outputs, github, runner), the
  ``GITHUB_*`` / ``RUNNER_*`` variables, a fresh ``GITHUB_OUTPUT`` and ``GITHUB_STEP_SUMMARY``
  per step; ``if:`` conditions (default ``success()``); a failed step skips the rest;
- every line of the step's output read for workflow commands (ActionCommandManager): first
  ``::name k=v,k=v::data`` at the line's start (leading spaces trimmed), then the old
  ``##[name k=v;k=v]data`` anywhere in the line; ``::stop-commands::TOKEN`` stops all
  processing until ``::TOKEN::``; ``set-output`` and ``add-mask`` still work;
- ``error`` / ``warning`` / ``notice`` become issues, and a step keeps the first
  ``MAX_PER_LEVEL`` of each level; the steps of a composite action hand theirs to the action's
  one step, which applies that limit to them all, in order (ExecutionContext: the embedded
  issue collector, ``_maxCountPerIssueType = 10``); a message is cut at 4096 characters;
- a step summary over 1 MiB is not uploaded: the runner says so in an error;
- ``uses`` steps (actions/cache) are recorded, not run (a cache miss: ``cache-hit`` false).

The pip install step is replaced by this checkout's installed layerlint (same code, no
network) unless ``install="real"``, which runs the step as written (a test puts stub
``python3`` on ``PATH`` to see what it asks pip for).
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
ACTION = REPO / "action.yml"
EXPR = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
MAX_PER_LEVEL = 10
MAX_MESSAGE = 4096
SUMMARY_LIMIT = 1024 * 1024
REGISTERED = {"error", "warning", "notice", "debug", "group", "endgroup", "set-output", "save-state", "add-mask",
              "echo", "add-matcher", "remove-matcher", "set-env", "add-path", "stop-commands"}
V2_PROPS = (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%"))
V2_DATA = (("%0D", "\r"), ("%0A", "\n"), ("%25", "%"))
V1 = (("%3B", ";"), ("%0D", "\r"), ("%0A", "\n"), ("%5D", "]"), ("%25", "%"))


def load(path: Path = ACTION) -> dict:
    return yaml.safe_load(path.read_text())


def _unescape(s: str, mapping) -> str:
    # StringEscapingUtil.UnescapeString: each token replaced in turn, %25 last
    for token, repl in mapping:
        s = s.replace(token, repl)
    return s


class Command:
    __slots__ = ("name", "props", "data")

    def __init__(self, name, props, data):
        self.name, self.props, self.data = name, props, data

    def __repr__(self):
        return f"Command({self.name!r}, {self.props!r}, {self.data!r})"


def parse_command(line: str, registered=REGISTERED) -> Command | None:
    """ActionCommand.TryParseV2, then ActionCommand.TryParse, as the runner tries them."""
    msg = line.lstrip()
    if msg.startswith("::"):
        end = msg.find("::", 2)
        if end >= 0:
            info = msg[2:end]
            name, _, props_text = info.partition(" ")
            if name in registered:
                props = {}
                for part in props_text.strip().split(","):
                    k, eq, v = part.partition("=")
                    if part and eq and k and v:
                        props[k] = _unescape(v, V2_PROPS)
                return Command(name, props, _unescape(msg[end + 2:], V2_DATA))
    start = line.find("##[")
    if start >= 0:
        rb = line.find("]", start)
        if rb >= 0:
            info = line[start + 3:rb]
            name, _, props_text = info.partition(" ")
            if name in registered:
                props = {}
                for part in props_text.split(";"):
                    k, eq, v = part.partition("=")
                    if part and eq and k and v:
                        props[k] = _unescape(v, V1)
                return Command(name, props, _unescape(line[rb + 1:], V1))
    return None


class Annotation:
    __slots__ = ("level", "props", "message", "step")

    def __init__(self, level, props, message, step):
        self.level, self.props, self.message, self.step = level, props, message, step

    def __repr__(self):
        return f"Annotation({self.level!r}, {self.props!r}, {self.message!r})"


class CommandProcessor:
    """One step's output, line by line, as ActionCommandManager.TryProcessCommand reads it."""

    def __init__(self, step_id, sink):
        self.step_id, self.sink = step_id, sink
        self.registered = set(REGISTERED)
        self.stop_token = None
        self.outputs: dict[str, str] = {}
        self.log: list[str] = []  # the lines the log shows (commands processed are not echoed)

    def feed(self, text: str) -> None:
        for line in re.split(r"\r\n|\r|\n", text):
            if line:
                self.line(line)

    def line(self, line: str) -> None:
        cmd = parse_command(line, self.registered)
        if cmd is None:
            self.log.append(line)
            return
        if self.stop_token is not None:
            if cmd.name == self.stop_token:
                self.registered.discard(self.stop_token)
                self.stop_token = None
            else:
                self.log.append(line)
            return
        if cmd.name == "stop-commands":
            self.stop_token = cmd.data
            self.registered.add(cmd.data)
        elif cmd.name in ("error", "warning", "notice"):
            self.sink.append(Annotation(cmd.name, cmd.props, cmd.data[:MAX_MESSAGE], self.step_id))
            self.log.append(f"{cmd.name}: {cmd.data}")
        elif cmd.name == "set-output":
            self.outputs[cmd.props.get("name", "")] = cmd.data
        elif cmd.name in ("set-env", "add-path"):
            self.sink.append(Annotation("error", {}, f"The `{cmd.name}` command is disabled.", self.step_id))


def read_outputs(path: Path) -> dict:
    """A GITHUB_OUTPUT file: ``name=value`` lines and ``name<<DELIMITER`` blocks."""
    out, lines, i = {}, path.read_text().split("\n") if path.exists() else [], 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            key, delim = line.split("<<", 1)
            val = []
            while lines[i] != delim:
                val.append(lines[i])
                i += 1
            i += 1
            out[key] = "\n".join(val)
        elif "=" in line:
            k, v = line.split("=", 1)
            out[k] = v
    return out


# -- expressions -----------------------------------------------------------------------------------

_TOKEN = re.compile(r"\s*(?:(?P<str>'(?:[^']|'')*')|(?P<num>\d+(?:\.\d+)?)|(?P<op>==|!=|&&|\|\||!|\(|\)|,)"
                    r"|(?P<name>[A-Za-z_][A-Za-z0-9_.*-]*))")


def evaluate(expr: str, ctx: dict, status: str = "success"):
    """A GitHub expression: literals, context paths (``inputs.x``, ``steps.a.outputs.b``),
    ``== != && || !``, parentheses and the status functions.  Strings compare
    case-insensitively, as GitHub's do."""
    tokens, pos = [], 0
    while pos < len(expr):
        m = _TOKEN.match(expr, pos)
        if not m or m.end() == pos:
            if expr[pos:].strip() == "":
                break
            raise ValueError(f"cannot read expression {expr!r} at {pos}")
        pos = m.end()
        kind = m.lastgroup
        tokens.append((kind, m.group(kind)))
    i = 0

    def peek():
        return tokens[i] if i < len(tokens) else (None, None)

    def take():
        nonlocal i
        i += 1
        return tokens[i - 1]

    def lookup(path):
        cur = ctx
        for part in path.split("."):
            if isinstance(cur, dict):
                cur = cur.get(part, cur.get(part.lower()))
            else:
                return None
            if cur is None:
                return None
        return cur

    def primary():
        kind, val = take()
        if kind == "str":
            return val[1:-1].replace("''", "'")
        if kind == "num":
            return float(val)
        if kind == "op" and val == "(":
            v = or_()
            take()
            return v
        if kind == "op" and val == "!":
            return not truthy(primary())
        if kind == "name":
            if peek() == ("op", "("):
                take()
                while peek() != ("op", ")"):
                    take()
                take()
                fn = val.lower()
                return {"success": status == "success", "always": True, "failure": status == "failure",
                        "cancelled": False}[fn]
            if val in ("true", "false"):
                return val == "true"
            if val == "null":
                return None
            return lookup(val)
        raise ValueError(f"unexpected {val!r} in {expr!r}")

    def truthy(v):
        return bool(v) and v != 0

    def eq(a, b):
        if isinstance(a, str) and isinstance(b, str):
            return a.lower() == b.lower()
        return a == b

    def cmp_():
        v = primary()
        while peek() in (("op", "=="), ("op", "!=")):
            op = take()[1]
            w = primary()
            v = eq(v, w) if op == "==" else not eq(v, w)
        return v

    def and_():
        v = cmp_()
        while peek() == ("op", "&&"):
            take()
            w = cmp_()
            v = w if truthy(v) else v
        return v

    def or_():
        v = and_()
        while peek() == ("op", "||"):
            take()
            w = and_()
            v = v if truthy(v) else w
        return v

    return or_()


def substitute(text: str, ctx: dict) -> str:
    def one(m):
        v = evaluate(m.group(1), ctx)
        return "" if v is None else ("true" if v is True else "false" if v is False else str(v))
    return EXPR.sub(one, text)


# -- the run ---------------------------------------------------------------------------------------

class Run:
    """What one run of the action left: ``rc``, ``annotations`` (all the issues, in order) and
    ``shown`` (the ones GitHub keeps), ``log``, ``outputs``, ``steps``, ``summary``, ``uses``."""

    def __init__(self):
        self.rc = 0
        self.annotations: list[Annotation] = []
        self.log: list[str] = []
        self.stdout = ""
        self.stderr = ""
        self.outputs: dict[str, str] = {}
        self.steps: dict[str, dict] = {}
        self.summary = ""
        self.uses: list[tuple[str, dict]] = []
        self.ran: list[str] = []

    @property
    def shown(self) -> list[Annotation]:
        kept, seen = [], {}
        for a in self.annotations:
            if seen.get(a.level, 0) < MAX_PER_LEVEL:
                kept.append(a)
            seen[a.level] = seen.get(a.level, 0) + 1
        return kept

    def of_level(self, level: str, shown: bool = True) -> list[Annotation]:
        return [a for a in (self.shown if shown else self.annotations) if a.level == level]

    def __getitem__(self, key):  # the older dict interface of tests/test_action.run_action
        return {"rc": self.rc, "stdout": self.stdout, "stderr": self.stderr, "outputs": self.outputs,
                "steps": self.steps, "summary": self.summary}[key]


def local_install(out_file: Path) -> None:
    """Instead of ``pip install <action_path>``: this checkout, already installed."""
    bindir = Path(sys.executable).parent
    out_file.write_text(f"layerlint={bindir / 'layerlint'}\npython={sys.executable}\n")


def run_action(workspace: Path, tmp: Path, inputs: dict | None = None, *, event_name: str = "push",
               event: dict | None = None, env: dict | None = None, install: str = "local",
               action_path: Path = REPO) -> Run:
    a = load(action_path / "action.yml")
    values = {k: str(v.get("default", "")) for k, v in a["inputs"].items()}
    for k, v in (inputs or {}).items():
        k = k.replace("_", "-")
        assert k in values, f"no input {k}"
        values[k] = v
    tmp.mkdir(parents=True, exist_ok=True)
    runner_temp = tmp / "runner-temp"
    runner_temp.mkdir(exist_ok=True)
    event_path = tmp / "event.json"
    event_path.write_text(json.dumps(event or {}))
    run = Run()
    ctx = {"inputs": values, "steps": {},
           "github": {"action_path": str(action_path), "workspace": str(workspace), "event_name": event_name,
                      "event": event or {}},
           "runner": {"temp": str(runner_temp), "os": "Linux", "arch": "X64"}}
    base_env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "RUNNER_", "INPUT_", "LAYERLINT_"))}
    base_env.update({"CI": "true", "GITHUB_ACTIONS": "true", "GITHUB_WORKSPACE": str(workspace),
                     "GITHUB_ACTION_PATH": str(action_path), "RUNNER_TEMP": str(runner_temp),
                     "GITHUB_EVENT_NAME": event_name, "GITHUB_EVENT_PATH": str(event_path), "NO_COLOR": "1",
                     "RUNNER_OS": "Linux"})
    base_env.update(env or {})
    status = "success"
    for n, step in enumerate(a["runs"]["steps"]):
        sid = step.get("id") or f"__{n}"
        cond = step.get("if", "success()")
        cond = EXPR.sub(lambda m: m.group(1), str(cond))
        if not evaluate(cond, ctx, status):
            continue
        run.ran.append(sid)
        if "uses" in step:
            run.uses.append((step["uses"], {k: substitute(str(v), ctx) for k, v in (step.get("with") or {}).items()}))
            ctx["steps"][sid] = {"outputs": {"cache-hit": "false"}, "outcome": "success"}
            continue
        out_file = tmp / f"output-{n}"
        out_file.write_text("")
        summary = tmp / f"summary-{n}.md"
        summary.write_text("")
        proc = CommandProcessor(sid, run.annotations)
        if step.get("id") == "install" and install == "local":
            local_install(out_file)
            rc = 0
        else:
            step_env = dict(base_env, GITHUB_OUTPUT=str(out_file), GITHUB_STEP_SUMMARY=str(summary))
            step_env.update({k: substitute(str(v), ctx) for k, v in (step.get("env") or {}).items()})
            script = tmp / f"step-{n}.sh"
            script.write_text(step["run"])
            p = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
                               cwd=workspace, env=step_env, capture_output=True, text=True, timeout=600,
                               errors="surrogateescape")
            run.stdout += p.stdout
            run.stderr += p.stderr
            proc.feed(p.stdout)
            proc.feed(p.stderr)
            rc = p.returncode
        run.log += proc.log
        outputs = read_outputs(out_file)
        outputs = {**proc.outputs, **outputs}
        ctx["steps"][sid] = {"outputs": outputs, "outcome": "success" if rc == 0 else "failure"}
        run.steps[sid] = outputs
        size = summary.stat().st_size
        if size > SUMMARY_LIMIT:
            run.annotations.append(Annotation(
                "error", {}, f"$GITHUB_STEP_SUMMARY upload aborted, supports content up to a size of 1024k, "
                f"got {size // 1024}k.", sid))
        else:
            run.summary += summary.read_text(errors="surrogateescape")
        if rc != 0:
            run.rc = rc
            status = "failure"
            run.annotations.append(Annotation("error", {}, f"Process completed with exit code {rc}.", sid))
            break
    run.outputs = {k: substitute(v["value"], ctx) for k, v in a["outputs"].items()}
    return run
