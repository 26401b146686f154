"""The cache model: step kinds, cache-key inputs, and what-if rebuilds on the DAG.

The last tests replay every scenario of tests/fixtures/cache/ (the builder-recorded ones and
the ones checked by reasoning) without a builder: the prediction must equal the recorded
verdict of every step.
"""
import json

import pytest

from layerlint.buildctx.paths import context_relative as clean_context_path
from layerlint.cache.model import build_model, is_volatile_name, path_selected, paths_overlap
from layerlint.buildctx.dockerignore import Dockerignore
from layerlint.graph import build_graph
from layerlint.syntax import parse

from . import builder_harness as harness


def model(text, context=None, path=None, ignore=None, **kw):
    df = parse(text, path or "Dockerfile")
    return build_model(build_graph(df, **kw), context_dir=context, dockerfile_path=path, dockerignore=ignore)


def verdicts(sim):
    return {r.step.line: r.rebuilt for r in sim.results}


def reasons(sim):
    return {r.step.line: r.reason for r in sim.results}


# -- the model ---------------------------------------------------------------------------------
def test_kinds_follow_buildkit():
    m = model("FROM a:1\nWORKDIR /\nWORKDIR /app\nENV A=1\nARG B=2\nLABEL x=y\nUSER u\nEXPOSE 80\n"
              "COPY . .\nADD x.tgz /\nRUN make\nCMD [\"x\"]\nSHELL [\"/bin/bash\", \"-c\"]\nONBUILD RUN x\n"
              "HEALTHCHECK NONE\nSTOPSIGNAL 9\nVOLUME /v\nENTRYPOINT [\"e\"]\n")
    kinds = {s.line: s.kind for s in m.steps}
    assert kinds[1] == "from" and kinds[2] == "metadata" and kinds[3] == "layer"
    assert [ln for ln, k in kinds.items() if k == "layer"] == [3, 9, 10, 11]
    assert all(kinds[ln] == "metadata" for ln in (4, 5, 6, 7, 8, 12, 13, 14, 15, 16, 17, 18))


def test_run_key_has_env_workdir_user_shell_mounts():
    m = model("FROM a:1\nARG NOVALUE\nARG V=1\nENV E=2\nWORKDIR /w\nUSER app\nSHELL [\"/bin/bash\", \"-c\"]\n"
              "RUN --mount=type=cache,id=x,sharing=locked,target=/c --mount=type=bind,source=req.txt,target=/r "
              "--network=none make\n")
    run = m.steps[-1]
    d = run.definition
    assert d["args"] == ["/bin/bash", "-c", "make"]
    # every valued ARG and ENV in the order they were set; ARG without a value is not there
    assert run.chain.items() == [("V", "1"), ("E", "2")] and d["env"] == run.chain.fingerprint
    assert d["cwd"] == "/w" and d["user"] == "app" and d["network"] == "none"
    assert d["mounts"][0] == {"type": "cache", "target": "/c"}  # id / sharing stay out of the key
    assert d["mounts"][1]["source"] == "req.txt"
    assert run.args == ["V"] and run.env == ["E"]
    dep = m.depends_on(run)
    assert dep["context"] == ["req.txt"] and dep["parent"] == 5
    assert any("cache mount /c" in u for u in dep["unknown"])


def test_copy_sources_dest_link_and_remote():
    m = model("FROM a:1 AS b\nRUN x\nFROM a:1\nWORKDIR /app\nARG D=sub\nCOPY ./src/*.py ${D}/\n"
              "COPY --link --from=b /out /o\nCOPY --link --chmod=755 x /x\nADD https://e.org/f.tgz /f\n"
              "ADD git@github.com:o/r.git#main /r\nCOPY <<EOF /etc/x\nhi\nEOF\n")
    c1, c2, c3, a1, a2, c4 = [s for s in m.steps if s.kind == "layer" and s.keyword in ("COPY", "ADD")]
    assert [(s.kind, s.path) for s in c1.sources] == [("context", "src/*.py")]
    assert c1.dest == "/app/sub" and c1.args == ["D"]
    assert c2.sources[0].kind == "stage" and c2.sources[0].path == "/out" and not c2.parent_in_key
    assert c3.parent_in_key  # --link with --chmod falls back to a normal copy
    assert a1.sources[0].kind == "url" and a1.cost == "download" and any("re-checked" in u for u in a1.unknown)
    assert a2.sources[0].kind == "git" and any("commit" in u for u in a2.unknown)
    assert c4.sources[0].kind == "heredoc" and c4.definition["sources"] == [{"heredoc": "hi\n"}]
    assert m.depends_on(c2)["stages"] == [{"stage": "b", "path": "/out"}] and m.depends_on(c2)["parent"] is None


def test_from_digest_is_unknown_unless_pinned():
    m = model("FROM python:3.12\nFROM python@sha256:" + "0" * 64 + "\nFROM scratch\n")
    f1, f2, f3 = m.steps
    assert f1.unknown and not f2.unknown and not f3.unknown


def test_cost_and_risks():
    m = model("FROM a:1\nARG GIT_SHA=dev\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\n"
              "RUN make\nRUN curl -o /x https://e.org/x\nRUN [\"npm\", \"ci\"]\n")
    costs = {s.line: s.cost for s in m.steps if s.kind == "layer"}
    assert costs == {3: None, 4: None, 5: "install", 6: "compile", 7: "download", 8: "install"}
    pip = m.steps[4]
    assert any("line 4" in r for r in pip.risks) and any("GIT_SHA" in r for r in pip.risks)


def test_cost_looks_into_inline_sh_c_scripts():
    m = model("FROM a:1\nRUN bash -c 'pip install -r requirements.txt'\nRUN sudo sh -ec \"echo x\"\n"
              "RUN [\"sh\", \"-c\", \"sh -c 'npm ci'\"]\n")
    costs = {s.line: s.cost for s in m.steps if s.kind == "layer"}
    assert costs == {2: "install", 3: None, 4: "install"}


def test_path_helpers():
    assert clean_context_path("./src/../app/") == "app" and clean_context_path("/") == "."
    assert path_selected(".", "a/b") and path_selected("src", "src/x.py") and not path_selected("src", "srcx")
    assert path_selected("src/app.py", "src")  # a changed directory above the source
    assert path_selected("*.txt", "a.txt") and not path_selected("*.txt", "d/a.txt")
    assert path_selected("d*", "dir/x") and path_selected("src/*/x", "src")
    assert path_selected("[a-c].py", "b.py") and not path_selected("[^a-c].py", "b.py")
    assert paths_overlap("/a", "/a/b") and not paths_overlap("/a", "/ab") and paths_overlap(None, "/x")
    assert is_volatile_name("GIT_SHA") and is_volatile_name("APP_BUILD_DATE") and is_volatile_name("APP_VERSION")
    assert not is_volatile_name("NODE_VERSION") and not is_volatile_name("PATH")


# -- what-if ------------------------------------------------------------------------------------
PY = ("FROM python:3.12-slim\nWORKDIR /app\nCOPY requirements.txt ./\nRUN pip install -r requirements.txt\n"
      "COPY . .\nCMD [\"python\", \"app.py\"]\n")


def test_changed_path_follows_the_chain(tmp_path):
    (tmp_path / "app.py").write_text("x")
    m = model(PY, context=str(tmp_path))
    sim = m.simulate(changed_paths=["app.py"])
    assert verdicts(sim) == {1: False, 2: False, 3: False, 4: False, 5: True, 6: None}
    assert reasons(sim)[5] == "app.py changed"
    assert verdicts(m.simulate(changed_paths=[str(tmp_path / "app.py")]))[5] is True  # absolute, inside the context
    sim = m.simulate(changed_paths=["./requirements.txt"])
    assert verdicts(sim) == {1: False, 2: False, 3: True, 4: True, 5: True, 6: None}
    assert "requirements.txt was added or deleted" == reasons(sim)[3]
    assert reasons(sim)[5] == "after line 4, rebuilt because of line 3: requirements.txt was added or deleted"
    r4 = sim.by_line()[4]
    assert r4.root.line == 3 and r4.cause == "requirements.txt was added or deleted"


def test_dockerignore_and_dockerfile_in_context(tmp_path):
    ign = Dockerignore.parse("*.md\n!README.md\n")
    m = model(PY, context=str(tmp_path), path=str(tmp_path / "Dockerfile"), ignore=ign)
    sim = m.simulate(changed_paths=["NOTES.md"])
    assert verdicts(sim)[5] is False and sim.ignored_paths == ["NOTES.md"]
    assert any("excluded by .dockerignore" in n for n in sim.notes)
    assert verdicts(m.simulate(changed_paths=["README.md"]))[5] is True
    # the Dockerfile itself is in the context: its own edit changes COPY . .
    sim = m.simulate(previous=PY.replace("CMD [\"python\", \"app.py\"]", "CMD [\"python\"]"))
    assert verdicts(sim)[5] is True and "Dockerfile" in reasons(sim)[5]
    m2 = model(PY, context=str(tmp_path), path=str(tmp_path / "Dockerfile"),
               ignore=Dockerignore.parse("Dockerfile\n"))
    assert verdicts(m2.simulate(previous=PY.replace("app.py\"]", "main.py\"]")))[5] is False


def test_changed_args():
    text = "ARG BASE=a:1\nFROM ${BASE}\nRUN one\nARG X=1\nCOPY f /f\nRUN two\nRUN three\n"
    m = model(text)
    sim = m.simulate(changed_args=["X"])
    assert verdicts(sim) == {2: False, 3: False, 4: None, 5: False, 6: True, 7: True}
    assert reasons(sim)[6] == "its environment changed: build arg X"
    sim = m.simulate(changed_args=["BASE"])
    assert all(v for v in verdicts(sim).values() if v is not None) and "used in FROM" in reasons(sim)[2]
    sim = m.simulate(changed_args=["NOPE"])
    assert not any(verdicts(sim).values()) and "not declared" in sim.notes[0]


def test_previous_dockerfile_diff():
    m = model("FROM a:1\nRUN one\nRUN new\nRUN two\nENV E=2\nRUN three\n")
    sim = m.simulate(previous="FROM a:1\nRUN one\nRUN two\nENV E=1\nRUN three\nLABEL x=1\n")
    assert verdicts(sim) == {1: False, 2: False, 3: True, 4: True, 5: None, 6: True}
    assert reasons(sim)[3] == "new instruction (not in the previous Dockerfile)"
    assert reasons(sim)[4].startswith("after line 3, which is rebuilt")
    m = model("FROM a:1\nRUN one\nENV E=2\nRUN three\n")
    sim = m.simulate(previous="FROM a:1\nRUN one\nENV E=1\nRUN three\n")
    assert reasons(sim)[4] == "its environment changed: ENV E"
    m = model("FROM a:1\nRUN one\nRUN two\n")
    sim = m.simulate(previous="FROM a:1\nRUN one\nRUN gone\nRUN two\n")
    assert verdicts(sim)[3] is True and "RUN gone" in reasons(sim)[3]
    sim = m.simulate(previous="FROM a:2\nRUN one\nRUN two\n")
    assert reasons(sim)[1] == "base image changed: a:2 -> a:1" and verdicts(sim)[3] is True


def test_dag_not_lines_and_unneeded_stages():
    text = ("FROM a:1 AS a\nCOPY a.txt /a\nFROM a:1 AS b\nCOPY b.txt /b\nFROM a:1 AS unused\nCOPY a.txt /u\n"
            "FROM a:1\nCOPY --from=b /b /b\nCOPY --from=a /a /a\n")
    m = model(text)
    sim = m.simulate(changed_paths=["a.txt"])
    v = verdicts(sim)
    assert v[2] is True and v[4] is False and v[6] is None and v[8] is False and v[9] is True
    assert "not needed" in reasons(sim)[6]
    assert reasons(sim)[9].startswith("/a of stage a changed")


def test_copy_from_cannot_have_changed_vs_may_have_changed():
    text = ("FROM a:1 AS builder\nCOPY a.txt /a/\nRUN cat /a/* > /out\nCOPY b.txt /b/\n"
            "FROM a:1\nCOPY --from=builder /a /a\nCOPY --from=builder /out /out\n")
    m = model(text)
    sim = m.simulate(changed_paths=["b.txt"])
    v = verdicts(sim)
    assert v[3] is False and v[4] is True and v[6] is False and v[7] is False
    assert "cannot have changed" in reasons(sim)[6]
    sim = m.simulate(changed_paths=["a.txt"])
    r6, r7 = sim.by_line()[6], sim.by_line()[7]
    assert r6.rebuilt is True and r6.certain and "/a of stage builder changed" in r6.reason
    assert r7.rebuilt is True and r7.root is r6.root and r6.root.line == 2  # first cause: the COPY in builder
    swapped = model(text.replace("COPY --from=builder /a /a\nCOPY --from=builder /out /out",
                                 "COPY --from=builder /out /out\nCOPY --from=builder /a /a"))
    r6 = swapped.simulate(changed_paths=["a.txt"]).by_line()[6]
    assert r6.rebuilt is True and not r6.certain and "which writes /out: rebuilt unless /out comes out the same" in r6.reason
    # a RUN before the change: its output is the previous one
    text2 = "FROM a:1 AS builder\nRUN mkdir /out && echo x > /out/x\nCOPY b.txt /b\nFROM a:1\nCOPY --from=builder /out /out\n"
    assert verdicts(model(text2).simulate(changed_paths=["b.txt"]))[5] is False


def test_stage_rename_and_copy_link():
    m = model("FROM a:1 AS build\nRUN x\nFROM a:1\nCOPY --from=build /x /x\n")
    sim = m.simulate(previous="FROM a:1 AS builder\nRUN x\nFROM a:1\nCOPY --from=builder /x /x\n")
    assert not any(verdicts(sim).values())
    m = model("FROM a:1\nRUN uno\nCOPY --link f /f\nRUN two\n")
    sim = m.simulate(previous="FROM a:1\nRUN one\nCOPY --link f /f\nRUN two\n")
    assert verdicts(sim) == {1: False, 2: True, 3: False, 4: True}
    assert "--link" in reasons(sim)[3]


def test_remote_sources():
    m = model("FROM a:1\nADD https://e.org/x /x\nRUN y\n")
    assert verdicts(m.simulate(changed_paths=["https://e.org/x"])) == {1: False, 2: True, 3: True}
    assert verdicts(m.simulate(changed_paths=["x"])) == {1: False, 2: False, 3: False}


def test_bind_mount_and_cache_mount():
    m = model("FROM a:1\nRUN --mount=type=bind,source=req.txt,target=/r --mount=type=cache,target=/c x\n")
    assert verdicts(m.simulate(changed_paths=["req.txt"]))[2] is True
    assert verdicts(m.simulate(changed_paths=["other.txt"]))[2] is False
    assert "bind-mounted" in reasons(m.simulate(changed_paths=["req.txt"]))[2]


def test_onbuild_triggers_run_in_the_child():
    m = model("FROM a:1 AS lib\nONBUILD COPY lib.txt /lib.txt\nRUN base\nFROM lib\nRUN child\n")
    sim = m.simulate(changed_paths=["lib.txt"])
    v = verdicts(sim)
    assert v[2] is None and v[3] is False and v[4] is True and v[5] is True


# -- every scenario, replayed without a builder ----------------------------------------------
SCENARIOS = harness.all_scenarios()


def test_there_are_enough_scenarios():
    builder = [s for s in SCENARIOS if s.builder]
    assert len(builder) >= 25
    for s in SCENARIOS:
        assert s.expected is not None, f"{s.name}: no expected.json"
        assert s.expected["source"] == ("builder" if s.builder else "reasoning"), s.name
        if not s.builder:
            assert s.spec.get("why_not_builder"), s.name


@pytest.mark.parametrize("sc", SCENARIOS, ids=[s.name for s in SCENARIOS])
def test_prediction_matches_recorded_verdicts(sc, tmp_path):
    p = harness.apply_edits(harness.prepare(sc, tmp_path / "run"))
    data = harness.predict(p)
    pred = harness.predicted_layers(data)
    for engine, store in (("modern", "graphdriver"), ("modern-containerd", "containerd")):
        expected = {s["line"]: s["cached"] for s in sc.expected_for(engine)["steps"]}
        apart = {int(k) for k in ((sc.spec.get("differs_by_store") or {}).get(store) or {})}
        # an "unless-identical" step agrees with either verdict; a step whose verdict depends on
        # the image store is judged on the store that has the feature
        wrong = {ln: w for ln, w in harness.agrees(data, expected).items() if ln not in apart}
        assert not wrong, (f"{sc.name} ({sc.spec['description']}, {engine}): line -> (recorded cached, "
                           f"predicted cached, reason): {wrong}")
        assert set(pred) == set(expected), "layer steps of the needed stages differ from the recorded ones"
    json.dumps(data)


def test_unless_identical_is_not_a_free_pass():
    """A scenario whose recorded verdicts a prediction of "unless-identical" would hide still fails
    on every step predicted with certainty."""
    data = {"stages": [{"needed": True, "steps": [
        {"line": 2, "kind": "layer", "rebuilt": True, "verdict": "rebuilt", "reason": "x"},
        {"line": 3, "kind": "layer", "rebuilt": True, "verdict": "unless-identical", "reason": "y"}]}]}
    assert harness.agrees(data, {2: False, 3: True}) == {}  # line 3 kept cached: its files came out the same
    assert harness.agrees(data, {2: False, 3: False}) == {}
    assert harness.agrees(data, {2: True, 3: True}) == {2: (True, False, "x")}  # a certain miss still fails


# -- misses found on builder scenarios, and BuildKit's rules for modern features -------------
def test_declared_proxy_arg_counts_undeclared_does_not():
    text = "FROM a:1\nARG HTTPS_PROXY\nRUN one\n"
    m = model(text, build_args={"HTTPS_PROXY": "http://p:1"})
    assert m.steps[-1].chain.items() == [("HTTPS_PROXY", "http://p:1")]
    sim = m.simulate(changed_args=["HTTPS_PROXY=http://p:2"])
    assert verdicts(sim)[3] is True and reasons(sim)[3] == "its environment changed: build arg HTTPS_PROXY"
    m = model("FROM a:1\nRUN one\n", build_args={"HTTPS_PROXY": "http://p:1"})
    sim = m.simulate(changed_args=["HTTPS_PROXY=http://p:2"])
    assert verdicts(sim)[2] is False and "stays out of the cache key" in sim.notes[0]


def test_platform_flag_resolving_to_the_same_platform_rebuilds_nothing():
    m = model("FROM --platform=$BUILDPLATFORM a:1\nRUN one\n")
    sim = m.simulate(previous="FROM a:1\nRUN one\n")
    assert verdicts(sim) == {1: False, 2: False}
    sim = m.simulate(previous="FROM --platform=linux/arm64 a:1\nRUN one\n")
    assert verdicts(sim) == {1: True, 2: True} and reasons(sim)[1] == "base image platform changed"
    m = model("FROM --platform=linux/x86_64 a:1\nRUN one\n")
    assert verdicts(m.simulate(previous="FROM --platform=linux/amd64 a:1\nRUN one\n"))[2] is False


def test_symlink_named_as_copy_source_is_followed(tmp_path):
    (tmp_path / "real.txt").write_text("x")
    (tmp_path / "link.txt").symlink_to("real.txt")
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "f").write_text("y")
    (tmp_path / "dlink").symlink_to("data")
    m = model("FROM a:1\nCOPY link.txt /x\nCOPY dlink/ /d/\nCOPY other.txt /o\n", context=str(tmp_path))
    assert m.steps[1].sources[0].aliases == ["real.txt"]
    sim = m.simulate(changed_paths=["real.txt"])
    assert verdicts(sim) == {1: False, 2: True, 3: True, 4: True} and reasons(sim)[2] == "real.txt changed"
    sim = m.simulate(changed_paths=["data/f"])
    assert verdicts(sim)[2] is False and verdicts(sim)[3] is True


def test_workdir_keeps_its_trailing_slash_in_later_run_keys():
    m = model("FROM a:1\nWORKDIR /data/\nRUN pwd\nWORKDIR sub\nRUN pwd\n")
    assert m.steps[2].definition["cwd"] == "/data/" and m.steps[4].definition["cwd"] == "/data/sub"
    sim = m.simulate(previous="FROM a:1\nWORKDIR /data\nRUN pwd\nWORKDIR sub\nRUN pwd\n")
    v = verdicts(sim)
    assert v[2] is False and v[3] is True and reasons(sim)[3] == "its working directory changed"
    assert v[4] is True and v[5] is True  # after a rebuilt step


def test_env_order_is_part_of_the_run_key():
    m = model("FROM a:1\nENV B=2 A=1\nRUN env\n")
    sim = m.simulate(previous="FROM a:1\nENV A=1 B=2\nRUN env\n")
    assert verdicts(sim)[3] is True and "the order of its environment changed (ENV B, ENV A)" in reasons(sim)[3]
    # setting a name again moves it last; the same list made another way is the same key
    same = model("FROM a:1\nENV B=2\nENV A=1\nRUN env\n")
    assert verdicts(same.simulate(previous="FROM a:1\nENV A=0\nENV B=2\nENV A=1\nRUN env\n"))[4] is False
    assert not verdicts(same.simulate(previous="FROM a:1\nENV B=2 A=1\nRUN env\n"))[4]
    # an ARG with a value sets the name too (BuildKit's AddEnv), even over an ENV
    m = model("FROM a:1\nENV X=1\nARG X=2\nRUN env\n")
    assert m.steps[-1].chain.items() == [("X", "2")]


def test_envchain_matches_a_plain_ordered_list():
    import random
    from layerlint.cache.envchain import EnvChain
    rnd = random.Random(7)
    for _ in range(200):
        chain, plain = EnvChain(), {}
        for _ in range(rnd.randint(0, 12)):
            k, v = rnd.choice("ABCDE"), rnd.choice("xyz")
            chain = chain.set(k, v, rnd.choice(("env", "arg")))
            plain.pop(k, None)
            plain[k] = v  # moved last, as BuildKit's EnvList orders it
        assert chain.items() == list(plain.items())
        fresh = EnvChain()
        for k, v in plain.items():
            fresh = fresh.set(k, v, "env")
        assert fresh.fingerprint == chain.fingerprint  # made another way, the same list: the same key


def test_copy_from_keyed_on_what_the_steps_after_the_change_write():
    text = ("FROM a:1 AS build\nRUN mkdir -p /out && echo hi > /out/x\nCOPY b.txt /b\n"
            "RUN echo other > /other && cp /b /b2\nRUN make\nFROM a:1\nCOPY --from=build /out /out\n")
    sim = model(text.replace("RUN make\n", "")).simulate(changed_paths=["b.txt"])
    v = verdicts(sim)
    assert v[3] is True and v[4] is True and v[6] is False  # nothing after the change writes /out
    assert "cannot have changed" in reasons(sim)[6]
    sim = model(text).simulate(changed_paths=["b.txt"])  # `make` may write anywhere
    r = sim.by_line()[7]
    assert r.rebuilt is True and not r.certain and "what it writes cannot be known" in r.reason
    assert "rebuilt unless /out comes out the same" in r.reason
    # a RUN that writes the path re-ran: only the content can decide
    text2 = "FROM a:1 AS build\nCOPY b.txt /b\nRUN echo hi > /out\nFROM a:1\nCOPY --from=build /out /out\n"
    r = model(text2).simulate(changed_paths=["b.txt"]).by_line()[5]
    assert r.rebuilt is True and not r.certain and "which writes /out" in r.reason
    # a copy of one file onto the path replaces what the RUN before it wrote
    text3 = ("FROM a:1 AS build\nCOPY b.txt /b\nRUN echo hi > /out\nCOPY out.txt /out\n"
             "FROM a:1\nCOPY --from=build /out /out\n")
    assert verdicts(model(text3).simulate(changed_paths=["b.txt"]))[6] is False
    r = model(text3).simulate(changed_paths=["out.txt"]).by_line()[6]
    assert r.rebuilt is True and r.certain
    # changed files that land elsewhere in the copied directory do not count
    text4 = "FROM a:1 AS build\nCOPY src/ /app/src/\nFROM a:1\nCOPY --from=build /app/src/b.py /b.py\n"
    assert verdicts(model(text4).simulate(changed_paths=["src/a.py"]))[4] is False
    assert verdicts(model(text4).simulate(changed_paths=["src/b.py"]))[4] is True


def test_copy_from_image_that_changed_is_rebuilt_unless_identical():
    m = model("FROM a:1\nCOPY --from=tool:2 /bin/t /t\nRUN t\n")
    sim = m.simulate(previous="FROM a:1\nCOPY --from=tool:1 /bin/t /t\nRUN t\n")
    r2, r3 = sim.by_line()[2], sim.by_line()[3]
    assert r2.rebuilt and not r2.certain and "tool:1 -> tool:2" in r2.reason
    assert r3.rebuilt and not r3.certain  # after a step that may not change


def test_changed_dockerignore_without_old_rules_says_what_cannot_be_known(tmp_path):
    (tmp_path / "src").mkdir()
    (tmp_path / ".dockerignore").write_text("**/*.md\n")
    ign = Dockerignore.parse("**/*.md\n", path=str(tmp_path / ".dockerignore"))
    m = model("FROM a:1\nCOPY req.txt /r\nCOPY src/ /s/\nCOPY . /all\n", context=str(tmp_path),
              path=str(tmp_path / "Dockerfile"), ignore=ign)
    sim = m.simulate(changed_paths=[".dockerignore"])
    by = sim.by_line()
    assert by[2].rebuilt is False  # one named file: the previous build had it
    assert by[3].rebuilt is True and not by[3].certain and "previous rules are not known" in by[3].reason
    assert by[4].rebuilt is True and by[4].certain  # the .dockerignore itself is in `COPY . .`
    assert any("cannot be known" in n for n in sim.notes)
    # with the old rules: what entered or left the context is known
    (tmp_path / "src" / "NOTES.md").write_text("n")
    (tmp_path / "src" / "a.py").write_text("a")
    sim = m.simulate(changed_paths=[".dockerignore"], previous_dockerignore=None, previous_dockerignore_known=True)
    assert "src/NOTES.md" in sim.changed_paths and sim.by_line()[3].rebuilt is True and sim.by_line()[3].certain
    sim = m.simulate(previous_dockerignore=Dockerignore.parse("**/*.md\n"), previous_dockerignore_known=True)
    assert not any(r.rebuilt for r in sim.results)


def test_secret_content_is_in_no_key():
    m = model("FROM a:1\nRUN --mount=type=secret,id=tok,target=/run/secrets/tok cat /run/secrets/tok\n")
    assert m.steps[1].mounts[0].source is None
    assert verdicts(m.simulate(changed_paths=["tok.txt"]))[2] is False
    sim = m.simulate(previous="FROM a:1\nRUN --mount=type=secret,id=other,target=/run/secrets/tok cat /run/secrets/tok\n")
    assert verdicts(sim)[2] is True and "--mount options" in reasons(sim)[2]  # its id is


def test_checksum_pinned_remote_add_is_never_refetched():
    url = "https://e.org/f.tgz"
    m = model(f"FROM a:1\nADD --checksum=sha256:{'a' * 64} {url} /f\nRUN x\n")
    assert verdicts(m.simulate(changed_paths=[url])) == {1: False, 2: False, 3: False}
    assert not any("re-checked" in u for u in m.steps[1].unknown)
    # the key is the checksum and the file name, not the URL
    sim = m.simulate(previous=f"FROM a:1\nADD --checksum=sha256:{'a' * 64} https://mirror.e.org/f.tgz /f\nRUN x\n")
    assert verdicts(sim)[2] is False
    sim = m.simulate(previous=f"FROM a:1\nADD --checksum=sha256:{'b' * 64} {url} /f\nRUN x\n")
    assert verdicts(sim)[2] is True


@pytest.mark.parametrize("old, new, rebuilt", [("644", "0644", False), ("0755", "755", False),
                                               ("755", "u=rwx,go=rx", True), ("644", "600", True)])
def test_chmod_spellings(old, new, rebuilt):
    m = model(f"FROM a:1\nCOPY --chmod={new} f /f\n")
    assert verdicts(m.simulate(previous=f"FROM a:1\nCOPY --chmod={old} f /f\n"))[2] is rebuilt


def test_quoted_heredoc_delimiter_disables_expansion():
    for delim, rebuilt in (("EOF", True), ("'EOF'", False), ('"EOF"', False)):
        m = model(f"FROM a:1\nARG V=1\nCOPY <<{delim} /x\nv=$V\nEOF\n")
        assert verdicts(m.simulate(changed_args=["V=2"]))[3] is rebuilt, delim
    # the builder never expands a RUN heredoc; the RUN is keyed on its environment anyway
    m = model("FROM a:1\nARG V=1\nRUN <<EOF\necho $V\nEOF\n")
    assert m.steps[-1].definition["heredocs"][0]["body"] == "echo $V\n"


def test_excluded_files_do_not_invalidate_copy_exclude():
    m = model("FROM a:1\nCOPY --exclude=*.md --exclude=docs . /app\n")
    assert verdicts(m.simulate(changed_paths=["README.md"]))[2] is False
    assert verdicts(m.simulate(changed_paths=["docs/x.html"]))[2] is False
    assert verdicts(m.simulate(changed_paths=["app.py"]))[2] is True
    assert verdicts(m.simulate(changed_paths=["src/README.md"]))[2] is True  # `*.md`: the top level only
    assert verdicts(m.simulate(previous="FROM a:1\nCOPY --exclude=*.md . /app\n"))[2]  # the patterns are keyed
    m = model("FROM a:1\nCOPY --exclude=*.txt src/ /s/\nCOPY --exclude=**/*.log lib/* /l/\n")
    assert verdicts(m.simulate(changed_paths=["src/n.txt"]))[2] is False
    assert verdicts(m.simulate(changed_paths=["src/n.py"]))[2] is True
    assert verdicts(m.simulate(changed_paths=["lib/a/b.log"]))[3] is False


def test_build_arg_equal_to_the_old_default_changes_nothing():
    m = model("FROM a:1\nARG V=1\nRUN x\n", build_args={"V": "1"})
    assert verdicts(m.simulate(changed_args=["V"])) == {1: False, 2: None, 3: False}  # not passed before
    m = model("FROM a:1\nARG V=1\nRUN x\n", build_args={"V": "2"})
    assert verdicts(m.simulate(changed_args=["V"]))[3] is True
    assert verdicts(m.simulate(changed_args=["V=2"]))[3] is False  # the same value as before
    assert verdicts(m.simulate(previous_build_args={"V": "1"}))[3] is True
    assert verdicts(model("FROM a:1\nARG V=1\nRUN x\n", build_args={"V": "1"}).simulate(previous_build_args={}))[3] is False
    assert verdicts(model("FROM a:1\nARG V=1\nRUN x\n").simulate(previous_build_args={"V": "1"}))[3] is False
    assert verdicts(model("FROM a:1\nARG V=1\nRUN x\n").simulate(changed_args=["V"]))[3] is True  # unknown
