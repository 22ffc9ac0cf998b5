#!/usr/bin/env bash
# container-smoke.sh [IMAGE] — smoke test of the Pictor container image (default localhost/pictor):
# starts it with a fresh /data volume, waits for /healthz, checks that the server runs as a non-root
# user and that the image's HEALTHCHECK passes, uploads an image through the API (as the unprivileged
# user, into /data), fetches a rendition as WebP, restarts the container and fetches it again from
# the same volume, then removes the container and the volume. Exits non-zero on the first failure.
#
# Uses podman (CONTAINER_ENGINE=docker for Docker). Extra `run` options go in CONTAINER_RUN_ARGS,
# global ones in CONTAINER_ENGINE_ARGS; sandboxes without cgroup v2 or CAP_SYS_RESOURCE need e.g.
#   CONTAINER_ENGINE_ARGS='--runtime runc' CONTAINER_RUN_ARGS='--ulimit nofile=4096:4096 --ulimit nproc=4096:4096'
# (docs/deployment.md, "Containers").
set -euo pipefail

image=${1:-localhost/pictor:latest}
engine=(${CONTAINER_ENGINE:-podman} ${CONTAINER_ENGINE_ARGS:-})
run_args=(${CONTAINER_RUN_ARGS:-})
# podman runs periodic health checks from systemd timers; this test runs the check itself.
[[ ${engine[0]} != podman ]] || run_args+=(--health-interval=disable)
# A port free on the host now (the container publishes on it).
port=${SMOKE_PORT:-$(node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')}
account=0123456789abcdef0123456789abcdef
token=container-smoke-token-0123456789
name=pictor-smoke-$$
volume=pictor-smoke-data-$$
work=$(mktemp -d "${TMPDIR:-/tmp}/pictor-smoke.XXXXXX")

cleanup() {
  "${engine[@]}" rm -f -t 5 "$name" >/dev/null 2>&1 || true
  "${engine[@]}" volume rm -f "$volume" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

fail() {
  echo "container-smoke: FAIL: $1" >&2
  echo "--- container log" >&2
  "${engine[@]}" logs --tail 30 "$name" >&2 || true
  exit 1
}
step() { echo "container-smoke: $1"; }

start() {
  "${engine[@]}" run -d --name "$name" "${run_args[@]}" -p "127.0.0.1:$port:8787" -v "$volume:/data" \
    -e PICTOR_ACCOUNT_ID=$account -e PICTOR_API_TOKEN=$token -e PICTOR_WORKERS=1 \
    -e PICTOR_DELIVERY_URL="http://127.0.0.1:$port" "$image" >/dev/null
  local deadline=$((SECONDS + ${SMOKE_START_TIMEOUT:-120}))
  until [[ $(curl -s "http://127.0.0.1:$port/healthz") == '{"status":"ok"}' ]]; do
    ((SECONDS < deadline)) || fail "/healthz did not answer {\"status\":\"ok\"} within ${SMOKE_START_TIMEOUT:-120} s"
    sleep 1
  done
}

# fetch_webp URL: the rendition must come back as WebP, decoded by the image's own sharp.
fetch_webp() {
  local status
  status=$(curl -s -o "$work/rendition" -w '%{http_code} %{content_type}' -H 'Accept: image/webp,*/*' "$1")
  [[ $status == '200 image/webp' ]] || fail "GET $1 answered '$status', expected 200 image/webp"
  "${engine[@]}" exec -i "$name" node -e '
    const chunks = []; process.stdin.on("data", (c) => chunks.push(c)).on("end", async () => {
      const m = await require("sharp")(Buffer.concat(chunks)).metadata();
      if (m.format !== "webp" || !(m.width > 0)) { console.error("not a WebP image:", m.format); process.exit(1); }
      console.log(`${m.format} ${m.width}x${m.height}`);
    });' <"$work/rendition" || fail "the rendition is not a decodable WebP image"
}

step "starting $image"
start
step "/healthz answers {\"status\":\"ok\"}"

uid=$("${engine[@]}" exec "$name" awk '/^Uid:/ { print $2 }' /proc/1/status)
[[ -n $uid && $uid != 0 ]] || fail "the server (pid 1) runs as uid '$uid', expected a non-root user"
step "the server runs as uid $uid ($("${engine[@]}" exec "$name" id -un))"

"${engine[@]}" healthcheck run "$name" >/dev/null || fail "the image's HEALTHCHECK failed (built without --format docker?)"
step "the image's HEALTHCHECK passes"

# A 320x200 PNG made by the image's own sharp, so the host needs nothing but curl.
"${engine[@]}" exec "$name" node -e '
  require("sharp")({ create: { width: 320, height: 200, channels: 3, background: "#3366cc" } })
    .png().toBuffer().then((b) => process.stdout.write(b));' >"$work/upload.png"
curl -s -o "$work/upload.json" -H "Authorization: Bearer $token" -F "file=@$work/upload.png" -F id=smoke/one \
  "http://127.0.0.1:$port/client/v4/accounts/$account/images/v1" || fail "the upload request failed"
variant=$(node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  if (!r.success) { console.error(JSON.stringify(r.errors)); process.exit(1); }
  console.log(r.result.variants.find((v) => v.endsWith("/public")) ?? r.result.variants[0]);' "$work/upload.json") ||
  fail "the upload was refused: $(cat "$work/upload.json")"
step "uploaded smoke/one through the API"

step "rendition: $(fetch_webp "$variant")"

step "restarting the container on the same volume"
"${engine[@]}" rm -f -t 10 "$name" >/dev/null
start
step "rendition after the restart: $(fetch_webp "$variant")"
step "passed"
