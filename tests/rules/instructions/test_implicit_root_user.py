"""LL502 implicit-root-user: The final stage never sets USER and its base image runs as root."""
from ...helpers import lint, positions


def test_implicit_root_fires_on_root_default_bases():
    f = lint("FROM node:22-slim\nWORKDIR /app\nCMD [\"node\", \"s.js\"]\n", "LL502")
    assert positions(f) == [("LL502", 1, 6)] and "node:22-slim" in f[0].message
    f = lint("FROM golang:1.26 AS build\nRUN go build\nFROM scratch\nCOPY --from=build /a /a\n", "LL502")
    assert positions(f) == [("LL502", 3, 6)] and "scratch" in f[0].message
    assert len(lint("FROM gcr.io/distroless/static-debian12\n", "LL502")) == 1
    assert len(lint("FROM docker.io/library/python:3.12\n", "LL502")) == 1


def test_implicit_root_reports_at_final_from_of_a_chain():
    f = lint("FROM python:3.12 AS base\nRUN pip install x\nFROM base\nCMD [\"x\"]\n", "LL502")
    assert positions(f) == [("LL502", 3, 6)] and "python:3.12" in f[0].message


def test_implicit_root_does_not_fire():
    assert lint("FROM node:22\nUSER node\n", "LL502") == []
    assert lint("FROM node:22 AS base\nUSER node\nFROM base\n", "LL502") == []
    assert lint("FROM node:22 AS base\nONBUILD USER node\nFROM base\n", "LL502") == []
    assert lint("FROM node:22\nUSER root\n", "LL502") == []  # explicit root is LL501
    # unknown default user: not reported
    for base in ("gcr.io/distroless/static-debian12:nonroot", "cgr.dev/chainguard/python:latest",
                 "postgres:16", "myorg/app:1", "bitnami/redis:7"):
        assert lint(f"FROM {base}\n", "LL502") == [], base
    assert lint("ARG BASE\nFROM ${BASE}\n", "LL502") == []
    # only the final stage matters
    assert lint("FROM python:3.12 AS build\nFROM node:22\nUSER node\n", "LL502") == []


def test_implicit_root_own_onbuild_user_does_not_count():
    # the final stage's own ONBUILD USER only applies to images built on it
    assert positions(lint("FROM node:22\nONBUILD USER node\n", "LL502")) == [("LL502", 1, 6)]
