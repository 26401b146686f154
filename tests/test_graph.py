"""Instruction graph: stages, edges, ARG/ENV scoping, targets."""
from layerlint.graph import build_graph
from layerlint.syntax import parse, parse_bytes

from .conftest import FIXTURES


def graph(name=None, text=None, **kw):
    df = parse_bytes((FIXTURES / "parser" / name).read_bytes(), name) if name else parse(text)
    return build_graph(df, **kw)


def test_stages_bases_and_edges():
    g = graph("graph.Dockerfile")
    build, test, final = g.stages
    assert build.base == "python:3.12-slim" and build.name == "build"
    assert test.base_stage is build
    assert [(e.kind, e.stage.name if e.stage else e.ref) for e in test.edges] == [("from", "build"), ("copy", "build")]
    assert [(e.kind, e.stage.name if e.stage else e.ref) for e in final.edges] == [
        ("from", "scratch"), ("copy", "build"), ("mount", "test")]
    assert all(s.needed for s in g.stages)


def test_arg_env_scoping_and_old_value_in_same_env():
    g = graph("graph.Dockerfile")
    build = g.stages[0]
    env1, wd2 = build.steps[1], build.steps[4]
    assert build.steps[0].instr.keyword == "ARG" and env1.state.args == {"TAG": "3.12-slim"}
    # ENV a=y c=$a sees the old a (x)
    assert build.end_state.env == {"a": "y", "b": "", "c": "x"}
    assert wd2.state.workdir is None  # relative WORKDIR on an image with unknown WORKDIR
    g2 = graph(text="FROM scratch\nWORKDIR app\nWORKDIR sub\nRUN x\n")
    assert g2.stages[0].steps[-1].state.workdir == "/app/sub"


def test_build_args_and_target_reachability():
    g = graph("graph.Dockerfile", build_args={"TAG": "3.13"}, target="build")
    assert g.stages[0].base == "python:3.13"
    assert [s.needed for s in g.stages] == [True, False, False]
    g = graph(text="FROM a AS x\nFROM b AS y\nCOPY --from=x / /\nFROM c\n")
    assert [s.needed for s in g.stages] == [False, False, True]


def test_copy_from_self_or_later_is_error_and_unknown_target():
    g = graph(text="FROM a AS x\nCOPY --from=x / /\nCOPY --from=later / /\nFROM b AS later\n")
    msgs = [e.message for e in g.errors]
    assert any("its own stage" in m for m in msgs) and any("defined later" in m for m in msgs)
    g = graph(text="FROM a\n", target="nope")
    assert any(e.fatal and "nope" in e.message for e in g.errors)


def test_global_arg_without_default_is_unresolved():
    g = graph(text="ARG V\nFROM alpine:${V}\n")
    assert g.stages[0].base == "alpine:" and g.stages[0].base_unresolved == {"V"}


def test_valueless_global_arg_keeps_predefined_value_and_arg_pairs_chain():
    g = graph(text="ARG TARGETARCH\nFROM busybox:${TARGETARCH}\nARG A=1 B=$A\nENV C=$B\n")
    assert g.stages[0].base == "busybox:amd64"
    assert g.stages[0].end_state.env == {"C": "1"}
    g = graph(text="ARG X=1\nARG X\nFROM a:$X\n")
    assert g.stages[0].base == "a:1"


def test_windows_drive_workdir_is_absolute():
    """`WORKDIR C:\\app` (escape `` ` ``), `c:/app`, a quoted `"c:\\inetpub"` and `C:\\app`
    read with the default escape (`C:app`) are absolute: BuildKit for Windows drops the drive."""
    from layerlint.graph import image_path
    assert image_path("C:\\app", None) == "/app" and image_path("c:/app/", None) == "/app"
    assert image_path("C:app", None) == "/app" and image_path("C://", None) == "/"
    assert image_path("src\\x", "/app") == "/app/src\\x"  # no drive: a Linux file name
    for text, want in (("# escape=`\nFROM x\nWORKDIR C:\\app\nWORKDIR src\nRUN y\n", "/app/src"),
                       ("FROM x\nWORKDIR C:\\app\nRUN y\n", "/app"),
                       ("FROM x\nWORKDIR \"c:\\inetpub\\wwwroot\"\nRUN y\n", "/inetpub/wwwroot"),
                       ("FROM x\nWORKDIR c:/gnatsd\nRUN y\n", "/gnatsd")):
        g = graph(text=text)
        assert g.stages[0].steps[-1].state.workdir == want, text
    g = graph(text="FROM x\nWORKDIR app:1\nRUN y\n")  # not a drive: relative to an unknown directory
    assert g.stages[0].steps[-1].state.workdir is None
