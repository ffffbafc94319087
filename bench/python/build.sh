#!/bin/sh
# Build an optimized CPython (PGO + LTO, not a shared library) for benchmarks and production
# (decision 0017). The interpreters of distributions and of the official container images are
# built this way; pyenv's default build is not, and costs about a quarter more CPU (the report
# function, the two alternated on the same machine: docs/benchmarks.md).
#
#   bench/python/build.sh [PREFIX]        # default /opt/xeploai-python; ≈ 20-30 min on 2 cores
#   PREFIX/bin/python3.13 -m venv .venv-opt && .venv-opt/bin/pip install -e '.[bench]'
#
# The source is CPython 3.13.5, checked against its SHA-256; it is fetched from python.org, or
# from Debian's archive (the same tarball, renamed) where python.org cannot be reached.
set -eu
PREFIX=${1:-/opt/xeploai-python}
VERSION=3.13.5
SHA256=93e583f243454e6e9e4588ca2c2662206ad961659863277afcdb96801647d640
WORK=$(mktemp -d "${TMPDIR:-/tmp}/xeploai-python.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
curl -fsS -o src.tar.xz "https://www.python.org/ftp/python/$VERSION/Python-$VERSION.tar.xz" \
  || curl -fsS -o src.tar.xz \
    "http://deb.debian.org/debian/pool/main/p/python3.13/python3.13_$VERSION.orig.tar.xz"
echo "$SHA256  src.tar.xz" | sha256sum -c -
tar xf src.tar.xz
cd "Python-$VERSION"
./configure --prefix="$PREFIX" --enable-optimizations --with-lto --with-ensurepip=install
make -j"$(nproc)"
make altinstall
"$PREFIX/bin/python3.13" -c 'import sysconfig; print(sysconfig.get_config_var("CONFIG_ARGS"))'
