#!/usr/bin/env bash
# Serve RNN Playground as N identical Streamlit replicas behind nginx (docs/DEPLOY.md,
# "Several replicas").
#
#   deploy/serve.sh [N] [PORT] [ADDRESS]          N replicas (2), nginx on ADDRESS:PORT
#                                                 (127.0.0.1:8501)
#   deploy/serve.sh --config [N] [PORT] [ADDRESS] print the nginx configuration and exit
#
# Replica i listens on 127.0.0.1:(REPLICA_PORT + i - 1), REPLICA_PORT = PORT + 1 unless
# set. Each replica is started, waited for until healthy and woken (GET
# /_stcore/script-health-check runs the page once, which starts its warm-up); with the
# warm-up on, the script also waits (at most WARM_WAIT_S, 300) until each replica's
# default page is ready. Then nginx runs from deploy/nginx.conf.template, rendered into
# RUN_DIR (default: a new temporary directory; it holds the replicas' logs, nginx's
# access and error logs and its pid and temp files). Ctrl-C or SIGTERM stops nginx and
# every replica (SIGTERM, SIGKILL after 15 s) and exits 0; nothing is left running.
#
# Environment: PYTHON (the interpreter with requirements.txt; default .venv/bin/python,
# else python3), NGINX (default nginx), REPLICA_PORT, RUN_DIR, WARM_WAIT_S,
# STREAMLIT_SERVER_COOKIE_SECRET (one secret for all replicas, so a browser that moves to
# another replica keeps a valid XSRF cookie; default: a random one for this run), and
# anything the app reads (PLAYGROUND_CACHE_MB, PLAYGROUND_WARM_UP, ...), and glibc's
# MALLOC_MMAP_THRESHOLD_ (default here 131072).

set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CONFIG_ONLY=0
if [[ ${1:-} == --config ]]; then
    CONFIG_ONLY=1
    shift
fi
N=${1:-2}
PORT=${2:-8501}
ADDRESS=${3:-127.0.0.1}
REPLICA_PORT=${REPLICA_PORT:-$((PORT + 1))}
NGINX=${NGINX:-nginx}
WARM_WAIT_S=${WARM_WAIT_S:-300}
STOP_WAIT_S=15
if [[ -z ${PYTHON:-} ]]; then
    if [[ -x $ROOT/.venv/bin/python ]]; then PYTHON=$ROOT/.venv/bin/python; else PYTHON=python3; fi
fi

say() { echo "serve.sh: $*" >&2; }
die() {
    say "$*"
    exit 2
}

[[ $N =~ ^[1-9][0-9]*$ ]] || die "N must be a positive number of replicas, not '$N'"
[[ $PORT =~ ^[0-9]+$ ]] || die "PORT must be a number, not '$PORT'"
[[ $REPLICA_PORT =~ ^[0-9]+$ ]] || die "REPLICA_PORT must be a number, not '$REPLICA_PORT'"

# The upload limit nginx lets through: Streamlit's own (MiB) plus 1 MiB of multipart framing.
max_upload_mb() {
    "$PYTHON" - "$ROOT/.streamlit/config.toml" <<'PY'
import sys, tomllib
with open(sys.argv[1], "rb") as f:
    print(int(tomllib.load(f).get("server", {}).get("maxUploadSize", 200)))
PY
}

render_config() { # render_config RUN_DIR TEMP_DIR
    local servers="" i max_mb
    for ((i = 0; i < N; i++)); do
        servers+="        server 127.0.0.1:$((REPLICA_PORT + i)) max_fails=1 fail_timeout=5s;"$'\n'
    done
    max_mb=$(max_upload_mb) || die "cannot read server.maxUploadSize from .streamlit/config.toml"
    local template
    template=$(<"$ROOT/deploy/nginx.conf.template")
    template=${template//@RUN_DIR@/$1}
    template=${template//@TEMP_DIR@/$2}
    template=${template//@LISTEN@/$ADDRESS:$PORT}
    template=${template//@MAX_BODY@/$((max_mb + 1))m}
    template=${template//@SERVERS@/${servers%$'\n'}}
    printf '%s\n' "$template"
}

if ((CONFIG_ONLY)); then
    render_config "${RUN_DIR:-/tmp/playground-serve}" "${RUN_DIR:-/tmp/playground-serve}/temp"
    exit 0
fi

command -v "$NGINX" >/dev/null || die "no nginx (Debian: apt-get install -y nginx)"
RUN_DIR=${RUN_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/playground-serve.XXXXXX")}
RUN_DIR=$(mkdir -p "$RUN_DIR" && cd "$RUN_DIR" && pwd)
# nginx's buffers on disk, in a directory of their own its workers can reach: started as
# root, nginx runs its workers as nobody (it hands them the subdirectories it creates).
TEMP_DIR=$(mktemp -d "${TMPDIR:-/tmp}/playground-nginx.XXXXXX")
chmod 755 "$TEMP_DIR"

if [[ -z ${STREAMLIT_SERVER_COOKIE_SECRET:-} ]]; then
    STREAMLIT_SERVER_COOKIE_SECRET=$("$PYTHON" -c 'import secrets; print(secrets.token_hex(32))')
fi
export STREAMLIT_SERVER_COOKIE_SECRET
# glibc serves every block of 128 KiB or more by its own mmap, given back when freed: without
# it glibc raises that threshold after a large free, and a large training's pages stay in the
# heap (~200 MB more peak RSS over large settings, bench/RESULTS.md, session 4). 0 would
# serve everything by mmap: unset it (MALLOC_MMAP_THRESHOLD_= ) to keep glibc's own.
export MALLOC_MMAP_THRESHOLD_=${MALLOC_MMAP_THRESHOLD_-131072}

REPLICA_PIDS=()
WAKERS=() # the script health checks' requests, while they run
NGINX_PID=""
STOPPING=0

running() { # running PID: true while PID has not exited (a zombie has exited)
    [[ -r /proc/$1/stat ]] && [[ $(<"/proc/$1/stat") != *") Z "* ]]
}

# stop EXIT_CODE: nginx first (no new requests), then every replica; SIGKILL what is still
# running after STOP_WAIT_S; reap every child; exit.
stop() {
    local code=$1 pids=() pid deadline
    ((STOPPING)) && return
    STOPPING=1
    trap '' INT TERM
    [[ -n $NGINX_PID ]] && pids+=("$NGINX_PID")
    pids+=("${REPLICA_PIDS[@]}" "${WAKERS[@]}")
    if ((${#pids[@]})); then
        say "stopping nginx and ${#REPLICA_PIDS[@]} replica(s)"
        for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null; done
        deadline=$((SECONDS + STOP_WAIT_S))
        for pid in "${pids[@]}"; do
            while running "$pid" && ((SECONDS < deadline)); do sleep 0.1; done
            if running "$pid"; then
                say "pid $pid still running $STOP_WAIT_S s after SIGTERM: SIGKILL"
                kill -KILL "$pid" 2>/dev/null
            fi
            wait "$pid" 2>/dev/null
        done
    fi
    rm -rf "$TEMP_DIR"
    say "stopped (logs in $RUN_DIR)"
    exit "$code"
}
trap 'stop 0' INT TERM
trap 'stop $?' EXIT

http_get() { # http_get URL TIMEOUT_S: print the body, fail on any error
    "$PYTHON" -c 'import sys, urllib.request
print(urllib.request.urlopen(sys.argv[1], timeout=float(sys.argv[2])).read().decode())' "$1" "$2" 2>/dev/null
}

# 1. Start the replicas.
for ((i = 0; i < N; i++)); do
    port=$((REPLICA_PORT + i))
    (
        cd "$ROOT" &&
            exec "$PYTHON" -m streamlit run streamlit_app.py \
                --server.headless true \
                --server.address 127.0.0.1 \
                --server.port "$port" \
                --browser.gatherUsageStats false
    ) >"$RUN_DIR/replica-$((i + 1)).log" 2>&1 &
    REPLICA_PIDS+=($!)
    echo "replica $((i + 1)) pid $! port $port" >>"$RUN_DIR/replicas"
    say "replica $((i + 1)): pid $!, 127.0.0.1:$port, log $RUN_DIR/replica-$((i + 1)).log"
done

# 2. Wait until each is healthy, then wake each (in parallel; the page's first run is slow).
wait_healthy() { # wait_healthy INDEX
    local port=$((REPLICA_PORT + $1)) pid=${REPLICA_PIDS[$1]} deadline=$((SECONDS + 120))
    until [[ $(http_get "http://127.0.0.1:$port/_stcore/health" 2) == ok ]]; do
        kill -0 "$pid" 2>/dev/null || die "replica $(($1 + 1)) exited; see $RUN_DIR/replica-$(($1 + 1)).log"
        ((SECONDS < deadline)) || die "replica $(($1 + 1)) not healthy after 120 s"
        sleep 0.3
    done
}
for ((i = 0; i < N; i++)); do wait_healthy "$i"; done
say "all $N replicas healthy; waking them (script health check)"
for ((i = 0; i < N; i++)); do
    http_get "http://127.0.0.1:$((REPLICA_PORT + i))/_stcore/script-health-check" 300 >/dev/null &
    WAKERS+=($!)
done
for ((i = 0; i < N; i++)); do
    wait "${WAKERS[$i]}" || die "replica $((i + 1)) failed its script health check; see its log"
done
WAKERS=()

# 3. With the warm-up on, wait until each replica's default page is ready (serve/warm.py).
if [[ ${PLAYGROUND_WARM_UP:-1} != 0 ]]; then
    deadline=$((SECONDS + WARM_WAIT_S))
    for ((i = 1; i <= N; i++)); do
        until grep -q "warm-up: default ready" "$RUN_DIR/replica-$i.log"; do
            if ((SECONDS >= deadline)); then
                say "replica $i: default page not ready after ${WARM_WAIT_S} s; serving anyway"
                break
            fi
            sleep 0.5
        done
    done
fi

# 4. nginx in the foreground of this script (a background child, so the traps run).
render_config "$RUN_DIR" "$TEMP_DIR" >"$RUN_DIR/nginx.conf"
"$NGINX" -e "$RUN_DIR/nginx-error.log" -p "$RUN_DIR" -c "$RUN_DIR/nginx.conf" -t -q ||
    die "nginx rejected $RUN_DIR/nginx.conf"
"$NGINX" -e "$RUN_DIR/nginx-error.log" -p "$RUN_DIR" -c "$RUN_DIR/nginx.conf" &
NGINX_PID=$!
say "nginx: pid $NGINX_PID, http://$ADDRESS:$PORT/ -> $N replicas (Ctrl-C stops everything)"
wait "$NGINX_PID"
code=$?
NGINX_PID=""
say "nginx exited with code $code; see $RUN_DIR/nginx-error.log"
stop 1
