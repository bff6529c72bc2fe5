# Sourced by scripts/bench-serve and scripts/bench-recall: one `pipeline serve` at a time on a free
# loopback port. Needs $pipeline (the binary) and $data (where the log goes); sets $server_pid and
# $port, and stops the server when the script exits.
server_pid="" port=""
start_server() {  # run-folder
    local log="$data/serve.log"
    "$pipeline" serve "$1" --port 0 >"$log" 2>&1 &
    server_pid=$!
    for _ in $(seq 1 600); do
        port=$(grep -o 'listening on 127.0.0.1:[0-9]*' "$log" | head -1 | sed 's/.*://') || true
        if [ -n "$port" ] && curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null; then return 0; fi
        kill -0 "$server_pid" 2>/dev/null || { cat "$log" >&2; exit 1; }
        sleep 0.1
    done
    echo "$(basename "$0"): the server did not become ready in 60 s" >&2; cat "$log" >&2; exit 1
}
stop_server() { kill -TERM "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; server_pid=""; }
trap 'stop_server' EXIT
