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
