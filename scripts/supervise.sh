# A small process supervisor for the run command (sourced by scripts/run.sh): each process that
# stops is started again, with a growing pause when it keeps failing at once; only a signal to the
# run command (Ctrl-C) stops them all.
#
#   supervise_add NAME FUNCTION   start FUNCTION in the background (it should `exec` its program)
#   supervise_loop                restart whatever stops, until the script is signalled
#   supervise_stop                stop them all (SIGTERM, then wait)

declare -A SUPERVISED_PID=() SUPERVISED_FN=() SUPERVISED_SINCE=() SUPERVISED_PAUSE=()
SUPERVISE_QUICK_FAIL=${SUPERVISE_QUICK_FAIL:-10}  # seconds: a stop sooner than this after a start doubles the pause
SUPERVISE_MAX_PAUSE=${SUPERVISE_MAX_PAUSE:-30}

supervise_add() {
  local name=$1 fn=$2
  SUPERVISED_FN[$name]=$fn
  SUPERVISED_PAUSE[$name]=${SUPERVISED_PAUSE[$name]:-1}
  "$fn" &
  SUPERVISED_PID[$name]=$!
  SUPERVISED_SINCE[$name]=$SECONDS
}

_supervise_restart() {
  local name=$1 status=$2 pause=${SUPERVISED_PAUSE[$1]}
  if [ $((SECONDS - SUPERVISED_SINCE[$name])) -lt "$SUPERVISE_QUICK_FAIL" ]; then
    SUPERVISED_PAUSE[$name]=$((pause * 2 > SUPERVISE_MAX_PAUSE ? SUPERVISE_MAX_PAUSE : pause * 2))
  else
    pause=1 SUPERVISED_PAUSE[$name]=1
  fi
  say "$name stopped (exit status $status); starting it again in ${pause} s"
  sleep "$pause"
  supervise_add "$name" "${SUPERVISED_FN[$name]}"
}

supervise_loop() {
  local name pid tick
  while true; do
    # Wake when a process stops, or after a second at most (a process that stopped just before
    # the wait began is seen by the check below).
    sleep 1 &
    tick=$!
    wait -n "$tick" "${SUPERVISED_PID[@]}" 2>/dev/null || true
    kill "$tick" 2>/dev/null || true
    wait "$tick" 2>/dev/null || true
    for name in "${!SUPERVISED_PID[@]}"; do
      pid=${SUPERVISED_PID[$name]}
      kill -0 "$pid" 2>/dev/null && continue
      local status=0
      wait "$pid" 2>/dev/null || status=$?
      _supervise_restart "$name" "$status"
    done
  done
}

supervise_stop() {
  # The shell's background jobs too: a signal can arrive between a start and its bookkeeping.
  local pid pids=("${SUPERVISED_PID[@]}")
  pids+=($(jobs -p))
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  SUPERVISED_PID=()
}
