#!/usr/bin/env bash
# make-image.sh DIR: pack the busybox test rootfs (tests/lib/make-rootfs.sh)
# as a one-layer container image, without a registry, into
#
#   DIR/oci.tar     an OCI image layout archive (`ctr images import`,
#                   `podman load`)
#   DIR/docker.tar  a docker-archive (`docker load`, `podman load`)
#
# both naming the image $IMAGE_NAME (default localhost/stockade-test:latest).
# The image's command is /bin/sh, its PATH the usual one.  The manifest,
# config and index are written here with jq; digests are sha256sum's.
#
# Cached like the rootfs: DIR carries a stamp of the rootfs and of this
# script, and nothing is done when it matches.
set -euo pipefail

die() { echo "make-image.sh: $*" >&2; exit 1; }

[[ $# -eq 1 && -n $1 ]] || die "usage: make-image.sh DIR"
dir=$1
[[ $dir == /* ]] || dir=$PWD/$dir
dir=${dir%/}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
rootfs=${STOCKADE_TEST_ROOTFS:-$here/../.cache/rootfs}
name=${IMAGE_NAME:-localhost/stockade-test:latest}

"$here/make-rootfs.sh" "$rootfs"
rootfs_stamp=.stockade-rootfs-stamp
stamp="rootfs $(sha256sum <"$rootfs/$rootfs_stamp" | cut -d' ' -f1) script $(sha256sum <"${BASH_SOURCE[0]}" | cut -d' ' -f1) name $name"
stamp_file=$dir/.stamp
up_to_date() { [[ -f $stamp_file && "$(cat "$stamp_file")" == "$stamp" && -f $dir/oci.tar && -f $dir/docker.tar ]]; }
up_to_date && exit 0

mkdir -p "$dir"
exec 9>"$dir.lock"
flock 9
up_to_date && exit 0

tmp=$(mktemp -d "$dir.tmp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

sha() { sha256sum "$1" | cut -d' ' -f1; }
size() { stat -c %s "$1"; }

# The layer: the rootfs as an uncompressed tar, reproducible (sorted names,
# numeric owners, fixed mtime), without the rootfs cache's stamp file.
tar --create --file "$tmp/layer.tar" --directory "$rootfs" --sort=name --numeric-owner \
  --mtime=@0 --exclude="./$rootfs_stamp" .
layer=$(sha "$tmp/layer.tar")

arch=$(dpkg --print-architecture 2>/dev/null || uname -m)
case $arch in x86_64) arch=amd64 ;; aarch64) arch=arm64 ;; esac

jq -cn --arg arch "$arch" --arg layer "sha256:$layer" '{
  architecture: $arch, os: "linux", created: "1970-01-01T00:00:00Z",
  config: {Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
           Cmd: ["/bin/sh"], WorkingDir: "/"},
  rootfs: {type: "layers", diff_ids: [$layer]},
  history: [{created: "1970-01-01T00:00:00Z", created_by: "tests/lib/make-image.sh"}]
}' >"$tmp/config.json"
config=$(sha "$tmp/config.json")

jq -cn --arg config "sha256:$config" --argjson csize "$(size "$tmp/config.json")" \
  --arg layer "sha256:$layer" --argjson lsize "$(size "$tmp/layer.tar")" '{
  schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json",
  config: {mediaType: "application/vnd.oci.image.config.v1+json", digest: $config, size: $csize},
  layers: [{mediaType: "application/vnd.oci.image.layer.v1.tar", digest: $layer, size: $lsize}]
}' >"$tmp/manifest.json"
manifest=$(sha "$tmp/manifest.json")

# OCI layout.  containerd names the image after io.containerd.image.name;
# podman and skopeo after org.opencontainers.image.ref.name.
oci=$tmp/oci
mkdir -p "$oci/blobs/sha256"
cp "$tmp/layer.tar" "$oci/blobs/sha256/$layer"
cp "$tmp/config.json" "$oci/blobs/sha256/$config"
cp "$tmp/manifest.json" "$oci/blobs/sha256/$manifest"
echo '{"imageLayoutVersion":"1.0.0"}' >"$oci/oci-layout"
jq -cn --arg m "sha256:$manifest" --argjson msize "$(size "$tmp/manifest.json")" --arg name "$name" \
  --arg arch "$arch" '{
  schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json",
  manifests: [{mediaType: "application/vnd.oci.image.manifest.v1+json", digest: $m, size: $msize,
               platform: {architecture: $arch, os: "linux"},
               annotations: {"io.containerd.image.name": $name,
                             "org.opencontainers.image.ref.name": $name}}]
}' >"$oci/index.json"

# docker-archive (`docker save`'s format): manifest.json lists the config and
# the layer tars by path inside the archive.
dock=$tmp/docker
mkdir -p "$dock/$layer"
cp "$tmp/layer.tar" "$dock/$layer/layer.tar"
cp "$tmp/config.json" "$dock/$config.json"
jq -cn --arg config "$config.json" --arg layer "$layer/layer.tar" --arg name "$name" \
  '[{Config: $config, RepoTags: [$name], Layers: [$layer]}]' >"$dock/manifest.json"

for f in oci docker; do
  tar --create --file "$tmp/$f.tar" --directory "$tmp/$f" --sort=name --numeric-owner --mtime=@0 .
done
mv "$tmp/oci.tar" "$tmp/docker.tar" "$dir/"
echo "$stamp" >"$stamp_file"
