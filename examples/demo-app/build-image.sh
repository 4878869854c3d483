#!/usr/bin/env bash
# Builds localhost/aegis-demo-app:<tag> for podman without any registry: a scratch rootfs holding
# the host's node binary, the shared libraries `ldd` says it needs, and this folder's server.js.
# Idempotent: the image carries a hash of its inputs and is rebuilt only when they change.
# Prints the image id on stdout; progress goes to stderr.
#
#   usage: examples/demo-app/build-image.sh [TAG]     (TAG defaults to dev)
set -euo pipefail

tag="${1:-dev}"
image="localhost/aegis-demo-app:${tag}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
node_bin="$(command -v node || true)"
conf="${here}/../../src/sandbox/podman/containers.conf"
if [[ -z "${CONTAINERS_CONF:-}" && -f "${conf}" ]]; then export CONTAINERS_CONF="${conf}"; fi

command -v podman >/dev/null || { echo "build-image.sh: podman not found; install it (apt-get install -y podman runc)" >&2; exit 1; }
[[ -n "${node_bin}" ]] || { echo "build-image.sh: node not found on PATH; install Node.js 20 on the host" >&2; exit 1; }
node_bin="$(readlink -f "${node_bin}")"

# Shared libraries as absolute paths: "libx.so => /lib/libx.so (0x..)" and "/lib64/ld-linux.so (0x..)".
mapfile -t libs < <(ldd "${node_bin}" | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}' | sort -u)

# A container is charged for the file pages it faults in first. When the image's node binary is
# not in the page cache, the leaking app pays for its own program text: at its memory limit the
# kernel then evicts and re-reads that text over and over (a thrash that can last minutes, every
# request timing out) instead of OOM-killing it. Reading the image's files here charges them to
# this host process, as on a node where the runtime has just unpacked the image, so the OOM kill
# the app plays happens when its memory reaches the limit.
warm_page_cache() {
  local mnt
  mnt="$(podman image mount "${image}" 2>/dev/null)" || return 0
  find "${mnt}" -type f -exec cat {} + >/dev/null 2>&1 || true
  podman image unmount "${image}" >/dev/null 2>&1 || true
}

inputs_hash="$(cat "${node_bin}" "${libs[@]}" "${here}/server.js" "${here}/package.json" "${BASH_SOURCE[0]}" | sha256sum | cut -c1-16)"
existing="$(podman image inspect --format '{{index .Labels "aegis.demo-app.inputs"}}' "${image}" 2>/dev/null || true)"
if [[ "${existing}" == "${inputs_hash}" ]]; then
  echo "build-image.sh: ${image} is up to date (inputs ${inputs_hash})" >&2
  warm_page_cache
  podman image inspect --format '{{.Id}}' "${image}"
  exit 0
fi

rootfs="$(mktemp -d)"
trap 'rm -rf "${rootfs}"' EXIT
mkdir -p "${rootfs}/app" "${rootfs}/tmp" "${rootfs}/usr/local/bin"
chmod 1777 "${rootfs}/tmp"
cp "${node_bin}" "${rootfs}/usr/local/bin/node"
for lib in "${libs[@]}"; do
  mkdir -p "${rootfs}$(dirname "${lib}")"
  cp -L "${lib}" "${rootfs}${lib}"
done
cp "${here}/server.js" "${here}/package.json" "${rootfs}/app/"

echo "build-image.sh: importing ${image} ($(du -sh "${rootfs}" | cut -f1) rootfs, inputs ${inputs_hash})" >&2
tar -C "${rootfs}" -cf - . | podman import --quiet \
  --change 'ENTRYPOINT ["/usr/local/bin/node", "/app/server.js"]' \
  --change 'WORKDIR /app' \
  --change 'ENV PORT=8080' \
  --change 'EXPOSE 8080' \
  --change 'STOPSIGNAL SIGTERM' \
  --change "LABEL aegis.demo-app.inputs=${inputs_hash}" \
  - "${image}" >/dev/null
warm_page_cache
podman image inspect --format '{{.Id}}' "${image}"
