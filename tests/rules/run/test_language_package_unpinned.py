"""LL316 language-package-unpinned: pip/npm/gem/go package installed without a version pin."""
from ...helpers import lint, positions, spans


def test_language_pins_all_ecosystems():
    text = ("FROM python:3.12\n"
            "RUN pip install --no-cache-dir \\\n"
            "      'flask>=3' \\\n"
            "      gunicorn \\\n"
            "      -r requirements.txt\n"
            "RUN npm install -g npm@latest @scope/pkg@1.2.3 && gem install rails -N && "
            "go install example.com/tool/cmd/x@latest\n")
    f = lint(text, "LL316")
    assert spans(f) == [("LL316", 4, 7, 4, 15), ("LL316", 6, 20, 6, 30), ("LL316", 6, 63, 6, 68),
                        ("LL316", 6, 86, 6, 115)]
    assert [x.hadolint for x in f] == [("DL3013",), ("DL3016",), ("DL3028",), ("DL3062",)]
    assert "floating" in f[1].message and "floating" in f[3].message


def test_language_pins_wrappers_heredoc_onbuild():
    text = ("FROM python:3.12\n"
            "RUN <<EOF\npython3 -m pip install requests\nEOF\n"
            "ONBUILD RUN uv pip install httpx && pipx install black\n")
    f = lint(text, "LL316")
    assert positions(f) == [("LL316", 3, 24), ("LL316", 5, 28), ("LL316", 5, 50)]


def test_language_pins_do_not_fire():
    text = ("FROM python:3.12\n"
            "RUN pip install -r requirements.txt . ./pkg x.whl 'a==1' 'b~=2.0' git+https://g/x.git@v1 "
            "'name @ https://x/y.zip' && pip install -c constraints.txt flask\n"
            "RUN npm install && npm ci && npm install express@4.19.2 ./local x.tgz user/repo#v1\n"
            "RUN gem install bundler -v 2.5.0 && gem install rake:13.0 ./x.gem\n"
            "RUN go install ./cmd/... && go install golang.org/x/tools/cmd/stringer@v0.20.0 && go run gen.go\n"
            "RUN pip install $PKG\n")
    assert lint(text, "LL316") == []


def test_language_pins_editable_vcs_url_is_the_package_not_its_option():
    text = ("FROM python:3.12\n"
            "RUN pip install -e git+https://github.com/frappe/bench.git#egg=bench --no-cache\n"
            "RUN pip install -e git+https://github.com/org/tool.git@v1.2#egg=tool git+https://github.com/org/lib\n")
    f = lint(text, "LL316")
    assert spans(f) == [("LL316", 2, 20, 2, 69), ("LL316", 3, 70, 3, 100)]
    assert "`git+https://github.com/frappe/bench.git#egg=bench`;" in f[0].message
    assert "`-e`" not in f[0].message
    # a VCS URL is pinned with @<commit>, not ==
    assert "e.g. `git+https://github.com/frappe/bench.git@<commit>#egg=bench`" in f[0].message
    assert "e.g. `git+https://github.com/org/lib@<commit>`" in f[1].message


def test_language_pins_go_run_arguments_are_not_packages():
    text = ("FROM golang:1.22\n"
            "RUN go run gotest.tools/gotestsum@latest --format testname -- -tags \"$TAGS\" ./... "
            "-args -test.gocoverdir=/tmp/coverage\n"
            "RUN go run golang.org/x/tools/cmd/stringer@v0.20.0 -type=Pill example.com/pkg/pill\n")
    f = lint(text, "LL316")
    assert spans(f) == [("LL316", 2, 12, 2, 41)]
    assert "`gotest.tools/gotestsum@latest`;" in f[0].message and "gocoverdir" not in f[0].message


def test_language_pins_backquoted_version_is_unknown():
    # `cmd` is a command's output (no `$` in it): not split into "packages" such as `main`
    text = ("FROM node:22\n"
            "RUN npm install x@`git rev-parse main` && pip install git+https://github.com/x/y@`cat REF`\n"
            "RUN go get github.com/x/y@`git rev-parse main` && gem install z -v `cat VERSION`\n")
    assert lint(text, "LL316") == []


def test_language_pins_shell_variable_set_earlier_in_the_run():
    text = ("FROM python:3.12\n"
            "RUN TOOLS='black ruff==0.4.4'; pip install $TOOLS\n")
    f = lint(text, "LL316")
    assert spans(f) == [("LL316", 2, 44, 2, 50)] and "`black (from $TOOLS)`;" in f[0].message
