"""The final stage never sets `USER`, so the container runs as root.

## What it does
Reports a final stage (the build target) whose `FROM` chain has no `USER` instruction at
all (`ONBUILD USER` triggers of parent stages count) when the image it is built on is
known to run as root by default: `scratch`, a Docker Official Image from a curated list of
root-default images (operating systems such as `debian`, `ubuntu`, `alpine`; language
runtimes such as `python`, `node`, `golang`, `eclipse-temurin`; servers such as `nginx`,
`httpd`, `tomcat`), and `gcr.io/distroless/*` except its `nonroot` tags.

Images are not inspected, so the default user of any other base image is unknown and
nothing is reported for it: `gcr.io/distroless/static:nonroot`, `cgr.dev/chainguard/*`,
vendor images with their own `USER`, and official database images (`postgres`, `mysql`,
`redis`, ...) whose entrypoints drop privileges themselves are all left alone. hadolint has
no equivalent (its DL3002 only sees an explicit `USER root`).

## Why is this bad
Without a `USER`, the main process runs as uid 0. Any vulnerability in the application
becomes root inside the container, with write access to the whole filesystem, and
Kubernetes policies such as `runAsNonRoot` reject the image. Most images never need root
at run time.

## Example
```dockerfile
FROM node:22-slim
WORKDIR /app
COPY . .
RUN npm ci --omit=dev
CMD ["node", "server.js"]
```

## Use instead
```dockerfile
FROM node:22-slim
WORKDIR /app
COPY --chown=node:node . .
RUN npm ci --omit=dev
USER node
CMD ["node", "server.js"]
```
"""
from ..base import Violation
from ...images import parse_image


CODE = "LL502"
NAME = "implicit-root-user"
SEVERITY = "info"
SUMMARY = "The final stage never sets USER and its base image runs as root"
HADOLINT = ()
BUILDKIT = ()
TAGS = ("security", "user")

# Docker Official Images whose image config has no USER (the container starts as root) and
# whose entrypoint does not drop privileges.
ROOT_DEFAULT = frozenset("""
alpine busybox debian ubuntu centos fedora rockylinux almalinux amazonlinux oraclelinux
archlinux photon clearlinux mageia
python pypy node golang rust ruby php perl julia erlang elixir haskell swift gcc clojure
openjdk eclipse-temurin amazoncorretto ibm-semeru-runtimes sapmachine ibmjava maven
nginx httpd tomcat caddy traefik docker
""".split())


def root_default(ref: str) -> bool:
    """Whether the image ``ref`` is known to start as root."""
    img = parse_image(ref)
    if img.official:
        return img.name in ROOT_DEFAULT
    if (img.registry or "") == "gcr.io" and img.path.startswith("distroless/"):
        return "nonroot" not in (img.tag or "latest")
    return False


def check(ctx):
    final = ctx.graph.target
    if final is None:
        return
    if any(i.keyword == "USER" for i in final.chain_instructions()):
        return
    root = final.chain()[0]
    if root.base_word is None or root.base_unresolved or "$" in root.base:
        return
    if root.is_scratch:
        why = "scratch (no user database: the process runs as uid 0)"
    elif root_default(root.base):
        why = f"{root.base}, which runs as root by default"
    else:
        return
    word = final.base_word or root.base_word
    yield Violation(word.span, f"The final stage never sets USER, so the container runs as root; it is built on {why}. "
                      "Add `USER <non-root user or uid>` before CMD/ENTRYPOINT")
