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


def test_secrets_public_key_ids_are_not_secrets():
    # deliberate deviation from BuildKit (which warns on all of these): a key's id is public
    text = ("FROM python:3.12\n"
            "ENV GPG_KEY A035C8C19219BA821ECEA86B64E628F8D684696D\n"
            "ENV RABBITMQ_PGP_KEY_ID=0x0A9AF2115F4687BD29803A206B73A36E6026DFCA OPENSSL_PGP_KEY_IDS=\"0x8657AB\"\n"
            "ARG NODE_KEY_FINGERPRINT WORDPRESS_CLI_GPG_KEY\n"
            "ARG LLVM_KEY=6084F3CF814B57C1CF12EFD515CF4D18AF4F7421\n"
            "RUN gpg --batch --keyserver keyserver.ubuntu.com --recv-keys \"$LLVM_KEY\"\n")
    assert lint(text, "LL413") == []


def test_secrets_key_words_that_stay_secrets():
    # another secret word, a private key, a credential's id, a passphrase given to gpg, or a key
    # gpg is not asked to fetch
    text = ("FROM python:3.12\n"
            "ARG GPG_PRIVATE_KEY GPG_KEY_PASSPHRASE AWS_ACCESS_KEY_ID SIGNING_KEY\n"
            "ARG ENCRYPTION_KEY=6084F3CF814B57C1CF12EFD515CF4D18AF4F7421\n"
            "RUN gpg --batch --passphrase \"$SIGNING_KEY\" --export \"$GPG_KEY_PASSPHRASE\"\n")
    f = lint(text, "LL413")
    assert positions(f) == [("LL413", 2, 5), ("LL413", 2, 21), ("LL413", 2, 40), ("LL413", 2, 58),
                            ("LL413", 3, 5)]


def test_secrets_file_paths_are_not_secrets():
    # deliberate deviation from BuildKit: a path to the secret is not the secret (`file` is BuildKit's too)
    text = ("FROM python:3.12\n"
            "ARG SSL_KEY_FILE TOKEN_PATH sa_password_path\n"
            "ENV GOOGLE_APPLICATION_CREDENTIALS=/secrets/sa.json \\\n"
            "    DOCKER_CREDENTIAL_GCR_CONFIG=\"/kaniko/.config/gcloud/docker_credential_gcr_config.json\"\n"
            "ARG CONF=/etc/app\n"
            "ENV APP_SECRET=$CONF/secret.yaml\n")
    assert lint(text, "LL413") == []
    text = ("FROM python:3.12\n"
            "ENV APP_SECRET=/9j/4AAQSkZJRgABAQ+/== SERVICE_TOKEN=$UNKNOWN/x.json DB_PASSWORD=\"/not a path.txt\"\n")
    assert positions(lint(text, "LL413")) == [("LL413", 2, 5), ("LL413", 2, 39), ("LL413", 2, 69)]
