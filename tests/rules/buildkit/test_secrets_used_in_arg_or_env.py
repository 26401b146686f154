"""LL413 secrets-used-in-arg-or-env: `ARG`/`ENV` name looks like a secret; use a secret mount."""
from ...helpers import lint, positions


def test_secrets_in_arg_or_env():
    text = ("FROM a\nARG GITHUB_TOKEN\nENV api_key=x AWS_SECRET_ACCESS_KEY=y\nARG AUTH DB_PASSWORD=z\n"
            "ENV Credentials=1 MY_PWORD=2 PASSWD=3 SECRET_MESSAGE=4 APIKEY=5\n")
    f = lint(text, "LL413")
    assert positions(f) == [("LL413", 2, 5), ("LL413", 3, 5), ("LL413", 3, 15), ("LL413", 4, 5),
                            ("LL413", 4, 10), ("LL413", 5, 5), ("LL413", 5, 19), ("LL413", 5, 30),
                            ("LL413", 5, 39), ("LL413", 5, 56)]
    assert f[0].message == 'Do not use ARG or ENV instructions for sensitive data (ARG "GITHUB_TOKEN")'
    assert f[1].message == 'Do not use ARG or ENV instructions for sensitive data (ENV "api_key")'


def test_secrets_allow_tokens_and_word_boundaries():
    text = ("FROM a\nARG PUBLIC_KEY TOKEN_FILE SECRET_VERSION KEYRING MONKEY TOKENS AUTHOR\n"
            "ENV GPG_KEYS=1 NPM_AUTH_TOKEN_PUBLIC=2\n")
    assert lint(text, "LL413") == []


def test_secrets_global_arg_not_checked_but_onbuild_is():
    text = "ARG NPM_TOKEN\nFROM a\nONBUILD ENV NPM_TOKEN=x\nARG NPM_TOKEN\n"
    f = lint(text, "LL413")
    assert positions(f) == [("LL413", 3, 13), ("LL413", 4, 5)]


def test_secrets_extra_substrings_option_for_hadolint_parity():
    text = "FROM a\nARG SECRETKEY DB_USERNAME HOST\n"
    assert lint(text, "LL413") == []
    f = lint(text, "LL413", rule_options={"LL413": {"extra-substrings": ["secret", "USERNAME"]}})
    assert positions(f) == [("LL413", 2, 5), ("LL413", 2, 15)] and f[0].hadolint == ("DL3064",)
