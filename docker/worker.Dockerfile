# The manifest-worker image (the ECS Fargate task). Build from the repository root:
#
#   docker build -f docker/worker.Dockerfile -t efs-backup-verifier/manifest-worker .
#
# Two stages on the same distribution (Debian 12 "bookworm"): the official Swift image
# builds a binary with the Swift runtime linked in (--static-swift-stdlib); the slim
# base runs it with only the shared libraries it loads. scripts/check-docker reproduces
# the runtime stage without Docker (debootstrap + chroot): it reads the FROM lines, the
# RUN lines and the ENTRYPOINT below, so this file is the only list of runtime packages.

# ---- build ------------------------------------------------------------------------
FROM swift:6.3-bookworm AS build

# Linking --static-swift-stdlib needs the static Foundation libraries' C dependencies:
# libxml2 (FoundationXML), OpenSSL's libssl and libcrypto and zlib (the CSSL, CCrypto and
# CZlib targets). No libcurl: AWSLite speaks HTTP itself, FoundationNetworking is not
# linked. Debian's security updates must flow in, so the
# packages follow the pinned base image's suite rather than fixed versions.
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libssl-dev \
      libxml2-dev \
      pkg-config \
      zlib1g-dev \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /src
# Package.swift names the test targets, so their folders must exist; they are not built.
COPY Package.swift ./
COPY Sources ./Sources
# The BuildInfo plugin and its script. There is no .git here: the commit and its date
# come in as build args (scripts/build-images passes them); without them the binary
# says "unknown commit".
COPY Plugins ./Plugins
COPY scripts/build-info ./scripts/build-info
ARG EBV_BUILD_COMMIT=""
ARG EBV_BUILD_DATE=""
COPY Tests ./Tests
RUN swift build -c release --product manifest-worker --static-swift-stdlib \
 && install -D -m 0755 "$(swift build -c release --show-bin-path)/manifest-worker" /out/manifest-worker

# ---- runtime ----------------------------------------------------------------------
FROM debian:bookworm-slim AS runtime

# Exactly what the binary loads (its ELF NEEDED entries, checked by scripts/check-docker):
# libssl3 (libssl.so.3, libcrypto.so.3), libxml2 (FoundationXML),
# zlib1g; libc6, libstdc++6 and libgcc-s1 are part of the base. ca-certificates for TLS
# to AWS, tzdata for Foundation's time zones. One package per line.
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      ca-certificates \
      libssl3 \
      libxml2 \
      tzdata \
      zlib1g \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --uid 10001 --user-group --no-create-home \
      --home-dir /nonexistent --shell /usr/sbin/nologin manifest-worker

COPY --from=build /out/manifest-worker /usr/local/bin/manifest-worker

# Not root. Reading production's root-owned files needs no root here: the production
# EFS access point's POSIX user is 0:0, so EFS performs every request through it as
# uid 0 whatever the process's own uid is, and the mount is read-only (the task
# definition's readOnly mount, no elasticfilesystem:ClientWrite in the task role).
USER 10001:10001

# A batch task, not a service: ECS judges it by its exit code.
HEALTHCHECK NONE

# Exec form: no shell at run time; the task definition's command is the subcommand,
# e.g. ["generate", "/mnt/production", "-o", "s3://bucket/manifests/x.ndjson.gz"].
ENTRYPOINT ["/usr/local/bin/manifest-worker"]
CMD ["--help"]
