#!/usr/bin/env bash
# cmake --install into a scratch prefix, then build a consumer with find_package(swflow) and with
# pkg-config, and run both.
set -euo pipefail
build_dir=$1
source_dir=$(cd "$(dirname "$0")" && pwd)
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
cmake --install "$build_dir" --prefix "$prefix" > /dev/null
test -f "$prefix/include/swflow.h"
ls "$prefix"/lib*/libswflow.so.0 > /dev/null
cmake -S "$source_dir/install_consumer" -B "$prefix/consumer" -DCMAKE_PREFIX_PATH="$prefix" > /dev/null
cmake --build "$prefix/consumer" > /dev/null
"$prefix/consumer/consumer"
pc_dir=$(dirname "$(ls "$prefix"/lib*/pkgconfig/swflow.pc)")
cc "$source_dir/install_consumer/consumer.c" $(PKG_CONFIG_PATH="$pc_dir" pkg-config --cflags --libs swflow) \
  -o "$prefix/consumer-pc"
LD_LIBRARY_PATH="$(dirname "$pc_dir")" "$prefix/consumer-pc"
