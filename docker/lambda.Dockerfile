# The orchestrator's Lambda package: bootstrap.zip holding one executable, `bootstrap`,
# for the provided.al2023 runtime. Build from the repository root and take the zip out:
#
#   docker build -f docker/lambda.Dockerfile --target artifact --output type=local,dest=dist .
#
# It is built on Amazon Linux 2023 itself: a binary must not need a newer glibc than the
# runtime's (2.34); one built on Debian 12 needs GLIBC_2.35 and would not start. The
# build fails if the binary asks for any GLIBC_ version above 2.34.

# ---- build ------------------------------------------------------------------------
FROM swift:6.3-amazonlinux2023 AS build

# Static Foundation's C dependency libxml2 (FoundationXML), OpenSSL (libssl, libcrypto)
# and zlib for the CSSL, CCrypto and CZlib targets (no libcurl: AWSLite speaks HTTP
# itself); zip and binutils (objdump) to package and check.
# Amazon Linux's security updates must flow in, so versions follow the base image.
# hadolint ignore=DL3041
RUN dnf install -y --allowerasing \
      binutils \
      libxml2-devel \
      openssl-devel \
      zip \
      zlib-devel \
 && dnf clean all

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
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN swift build -c release --product orchestrator --static-swift-stdlib \
 && install -D -m 0755 "$(swift build -c release --show-bin-path)/orchestrator" /out/bootstrap \
 && newest="$(objdump -T /out/bootstrap | grep -o 'GLIBC_[0-9][0-9.]*' | sed 's/GLIBC_//' | sort -V | tail -n 1)" \
 && echo "bootstrap needs glibc ${newest}" \
 && [ "$(printf '%s\n2.34\n' "${newest}" | sort -V | tail -n 1)" = "2.34" ] \
 && zip --symlinks --junk-paths /out/bootstrap.zip /out/bootstrap

# ---- artifact: only the zip (docker build --target artifact --output ...) -------------
FROM scratch AS artifact
# checkov:skip=CKV_DOCKER_2: not an image that runs; it only carries bootstrap.zip out of the build
# checkov:skip=CKV_DOCKER_3: not an image that runs; it only carries bootstrap.zip out of the build
COPY --from=build /out/bootstrap.zip /bootstrap.zip
