"""LL415 invalid-default-arg-in-from: With default ARG values the `FROM` image reference is empty or invalid.

ONBUILD FROM is a parse error (tests/rules/test_rule_catalogue.py), so this rule has no ONBUILD case.
"""
from ...helpers import lint, positions


def test_invalid_default_arg_in_from_docs_example():
    # docs: ARG TAG / FROM busybox:${TAG}
    f = lint("ARG TAG\nFROM busybox:${TAG}\n", "LL415")
    assert positions(f) == [("LL415", 2, 6)] and f[0].span.end_column == 20
    assert f[0].message == "Default value for ARG busybox:${TAG} results in empty or invalid base image name"
    # only defaults count: a --build-arg does not make the file buildable without it
    assert positions(lint("ARG TAG\nFROM busybox:${TAG}\n", "LL415", build_args={"TAG": "1"})) == [("LL415", 2, 6)]


def test_invalid_default_arg_in_from_variants():
    text = ("ARG IMAGE\nARG REG=Registry.Example.com\nARG REPO=myorg/App\nARG HOST=MyHost/app\nFROM $IMAGE\n"
            "FROM ${REG}/app:1\nFROM $REPO\nFROM alpine:${NOPE:-3.20}\nFROM $HOST\n")
    f = lint(text, "LL415")
    # an upper-case first component is a registry host (allowed), an upper-case repository is not
    assert positions(f) == [("LL415", 5, 6), ("LL415", 7, 6)]


def test_invalid_default_arg_in_from_does_not_fire():
    text = ("ARG TAG=1.36\nARG BASE=ghcr.io/org/img@sha256:" + "a" * 64 + "\n"
            "FROM busybox:${TAG}\nFROM ${BASE}\nFROM busybox:${TAG} AS b\nFROM b\n"
            "FROM --platform=$BUILDPLATFORM localhost:5000/x:${TARGETARCH}\n")
    assert lint(text, "LL415") == []
    # quotes are removed as BuildKit's shell lexer removes them
    assert lint('FROM "gcr.io/distroless/static-debian13"\nFROM scratch\n', "LL415") == []


def test_invalid_default_arg_in_from_without_variables():
    # BuildKit checks every FROM, variables or not (verified: tests/test_buildkit_conformance.py)
    f = lint("FROM Not_Valid\nFROM alpine AS builder\nFROM Builder\nFROM spack/rocky:sha256:abc\n", "LL415")
    assert positions(f) == [("LL415", 1, 6), ("LL415", 3, 6), ("LL415", 4, 6)]
    assert f[0].message == "Base image name Not_Valid is not a valid image reference"
    assert f[1].message == ("Base image name Builder is not a valid image reference "
                            "(stage names are lower-case: FROM builder)")


def test_invalid_default_arg_in_from_order_of_evaluation():
    # BuildKit checks the FROMs in order and stops at an expansion error: the ones before it
    # are still reported, the ones after it are not
    text = "ARG T\nARG A\nFROM busybox:${T}\nFROM ${A:?required}\nFROM BAD\n"
    assert positions(lint(text, "LL415")) == [("LL415", 3, 6)]
