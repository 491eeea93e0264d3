#!/usr/bin/env bash
# Installs every Debian package that the build, the tests and the benchmarks need,
# and fetches asmjit's Debian source package (built as a PIC static library by CMake).
# Idempotent and quiet: a second run only checks and returns in seconds.
set -euo pipefail

root_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cache_dir=${KOLOSAL_CACHE_DIR:-$root_dir/.cache}
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi

packages=(
  build-essential cmake pkg-config ccache git clang-format xz-utils
  libeigen3-dev libsleef-dev libtbb-dev libmsgpack-cxx-dev nlohmann-json3-dev zlib1g-dev libcli11-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libsqlite3-dev postgresql libpq-dev
  swig default-jdk-headless junit5 golang-go ruby-dev ruby-minitest mono-devel
  python3 python3-sklearn python3-xgboost python3-optuna python3-pandas libxgboost-dev
)

missing=()
for pkg in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "bootstrap: installing ${#missing[@]} Debian packages"
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq >/dev/null
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# asmjit: Debian's libasmjit.a is not PIC, so we build it from the source package.
asmjit_dir=$cache_dir/asmjit-src
if [ ! -f "$asmjit_dir/CMakeLists.txt" ]; then
  echo "bootstrap: fetching asmjit's Debian source package"
  apt_dir=$cache_dir/apt-src
  mkdir -p "$apt_dir/lists/partial" "$apt_dir/download"
  # A private deb-src list made from the machine's own apt sources; the system setup is untouched.
  sources_file=$apt_dir/deb-src.sources
  if [ -f /etc/apt/sources.list.d/debian.sources ]; then
    sed 's/^Types:.*/Types: deb-src/' /etc/apt/sources.list.d/debian.sources >"$sources_file"
    list_opts=(-o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts="$apt_dir/parts")
    mkdir -p "$apt_dir/parts"
    cp "$sources_file" "$apt_dir/parts/debian.sources"
  else
    sed -n 's/^deb /deb-src /p' /etc/apt/sources.list >"$apt_dir/deb-src.list"
    list_opts=(-o Dir::Etc::SourceList="$apt_dir/deb-src.list" -o Dir::Etc::SourceParts=/dev/null)
  fi
  apt_opts=("${list_opts[@]}" -o Dir::State::Lists="$apt_dir/lists" -o Debug::NoLocking=1)
  apt-get "${apt_opts[@]}" update -qq >/dev/null
  (cd "$apt_dir/download" && apt-get "${apt_opts[@]}" source --download-only -qq asmjit >/dev/null)
  tarball=$(ls "$apt_dir"/download/asmjit_*.orig.tar.* | head -n 1)
  rm -rf "$asmjit_dir.tmp" && mkdir -p "$asmjit_dir.tmp"
  tar -xf "$tarball" -C "$asmjit_dir.tmp" --strip-components=1
  rm -rf "$asmjit_dir" && mv "$asmjit_dir.tmp" "$asmjit_dir"
fi
echo "bootstrap: ready (asmjit source in $asmjit_dir)"
