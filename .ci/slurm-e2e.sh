#!/usr/bin/env bash
# CI: runs a tiny experiment as Slurm job arrays on a throwaway single-node
# Slurm cluster on localhost and checks it against a local run.
#
#  1. installs Debian's slurm-wlm and munge if they are missing (needs root);
#  2. starts a private munged (own key and socket) and a private slurmctld and
#     slurmd (own slurm.conf via SLURM_CONF, own ports, state under a temp dir;
#     no cgroups, no accounting), and waits for the node to be idle;
#  3. runs experiments/testdata/slurm_tiny.toml locally (go run, no Slurm);
#  4. writes its plan with `experiments slurm`, runs submit.sh, waits for the three jobs and
#     asserts every task COMPLETED and that summary.csv and every result.json
#     (except timings) are identical to the local run's;
#  5. recovery: in a fresh output root, cancels a running method task, waits for
#     the rest, resubmits, and asserts the finished runs were not redone and the
#     summary is identical; then deletes one result.json, resubmits, and asserts
#     that only that run was redone;
#  6. stops the daemons it started (also on failure).
#
# Exits non-zero on any failure. Usage: .ci/slurm-e2e.sh (as root, from anywhere).
# SLURM_E2E_KEEP=1 keeps the temp dir; SLURM_E2E_TIMEOUT (seconds, default 300)
# bounds each wait for jobs.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
cfg=experiments/testdata/slurm_tiny.toml
name=slurm_tiny
timeout=${SLURM_E2E_TIMEOUT:-300}
t0=$(date +%s)

log() { echo "[slurm-e2e +$(($(date +%s) - t0))s] $*"; }
die() {
	echo "[slurm-e2e] FAIL: $*" >&2
	exit 1
}

[ "$(id -u)" = 0 ] || die "must run as root (installs packages, runs slurmd)"

# 1. Packages.
if command -v slurmctld >/dev/null && command -v slurmd >/dev/null && command -v sbatch >/dev/null &&
	command -v munged >/dev/null; then
	log "slurm and munge already installed: $(slurmctld -V), munge $(munged -V 2>&1 | head -1)"
else
	log "installing slurm-wlm and munge"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-cache policy slurm-wlm munge
	apt-get install -y -qq slurm-wlm munge >/dev/null
	log "installed $(slurmctld -V)"
fi

# 2. A private cluster.
tmp=$(mktemp -d /tmp/slurm-e2e.XXXXXX)
chmod 755 "$tmp"
pids=()
cleanup() {
	local rc=$?
	set +e
	if [ -n "${SLURM_CONF:-}" ] && [ -f "$SLURM_CONF" ] && [ "${#pids[@]}" -ge 3 ]; then
		# Cancel what is left and let the daemons see it end.
		scancel -u root 2>/dev/null # the private cluster's jobs only
		for _ in $(seq 40); do
			[ -z "$(squeue -h 2>/dev/null)" ] && break
			sleep 0.5
		done
	fi
	# Stop slurmd, slurmctld, munged in that order, each by its pid.
	for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
		kill "${pids[i]}" 2>/dev/null
		for _ in $(seq 50); do
			kill -0 "${pids[i]}" 2>/dev/null || break
			sleep 0.1
		done
		kill -9 "${pids[i]}" 2>/dev/null
	done
	# Job step daemons left behind by our slurmd: they carry our SLURM_CONF.
	for d in /proc/[0-9]*; do
		[ "$(cat "$d/comm" 2>/dev/null)" = slurmstepd ] || continue
		tr '\0' '\n' 2>/dev/null <"$d/environ" | grep -qxF "SLURM_CONF=$tmp/slurm.conf" &&
			kill -9 "${d#/proc/}" 2>/dev/null
	done
	wait 2>/dev/null
	if [ "$rc" != 0 ]; then
		echo "[slurm-e2e] --- daemon logs (last lines) ---" >&2
		for f in "$tmp"/munged.log "$tmp"/slurmctld.log "$tmp"/slurmd.log; do
			[ -f "$f" ] && { echo "== $f" >&2; tail -n 30 "$f" >&2; }
		done
		for f in "$tmp"/plan*/logs/*; do
			[ -f "$f" ] && grep -qiE 'error|fail|panic' "$f" && { echo "== $f" >&2; tail -n 20 "$f" >&2; }
		done
	fi
	if [ "${SLURM_E2E_KEEP:-}" = 1 ] || [ "$rc" != 0 ]; then
		echo "[slurm-e2e] kept $tmp" >&2
	else
		rm -rf "$tmp"
	fi
	if [ "$rc" = 0 ]; then
		echo "[slurm-e2e] PASS in $(($(date +%s) - t0))s"
	else
		echo "[slurm-e2e] FAILED (exit $rc) after $(($(date +%s) - t0))s" >&2
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log "starting munged (key and socket in $tmp)"
mkdir -p "$tmp/munge"
chmod 700 "$tmp/munge"
dd if=/dev/urandom of="$tmp/munge/munge.key" bs=1024 count=1 status=none
chmod 400 "$tmp/munge/munge.key"
sock=$tmp/munge/munge.socket
munged --foreground --force --key-file="$tmp/munge/munge.key" --socket="$sock" \
	--pid-file="$tmp/munge/munged.pid" --seed-file="$tmp/munge/munged.seed" \
	--log-file="$tmp/munged.log" >>"$tmp/munged.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do
	[ -S "$sock" ] && break
	sleep 0.1
done
munge --socket="$sock" -n | unmunge --socket="$sock" >/dev/null || die "munge round trip failed"

host=$(hostname -s)
node=$(slurmd -C | head -1 | sed "s/^NodeName=[^ ]*/NodeName=$host/")
[[ $node == NodeName=*CPUs=* ]] || die "slurmd -C printed: $node"
export SLURM_CONF=$tmp/slurm.conf
mkdir -p "$tmp/state" "$tmp/spool"
cat >"$SLURM_CONF" <<EOF
ClusterName=e2e
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=6917
SlurmdPort=6918
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CryptoType=crypto/munge
AuthInfo=socket=$sock
StateSaveLocation=$tmp/state
SlurmdSpoolDir=$tmp/spool/%n
SlurmctldPidFile=$tmp/slurmctld.pid
SlurmdPidFile=$tmp/slurmd.pid
SlurmctldLogFile=$tmp/slurmctld.log
SlurmdLogFile=$tmp/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
SchedulerParameters=sched_interval=2
ReturnToService=2
MinJobAge=3600
MaxArraySize=1001
MpiDefault=none
$node NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=e2e Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
log "slurm.conf: $node"
slurmctld -D -i -f "$SLURM_CONF" >>"$tmp/slurmctld.log" 2>&1 &
pids+=($!)
slurmd -D -f "$SLURM_CONF" -N "$host" >>"$tmp/slurmd.log" 2>&1 &
pids+=($!)
log "started slurmctld and slurmd; waiting for node $host to be idle"
state=
for _ in $(seq 120); do
	state=$(sinfo -h -n "$host" -o %T 2>/dev/null || true)
	[ "$state" = idle ] && break
	for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null || die "a daemon exited (pid $p)"; done
	sleep 0.5
done
[ "$state" = idle ] || die "node state is '$state' after 60s, want idle"
sinfo

# 3. The local reference run.
local=$tmp/local
log "local reference run: go run ./experiments run -config $cfg -out $local"
go run ./experiments run -config "$cfg" -out "$local" >"$tmp/local.out" 2>"$tmp/local.log" ||
	{ tail -n 20 "$tmp/local.log" >&2; die "local run failed"; }
want=$local/results/$name/summary.csv
[ -s "$want" ] || die "no $want"
cat "$want"

# wait_jobs ID... waits until none of the jobs is pending or running, except
# jobs pending on a dependency that can never be satisfied; it prints those.
wait_jobs() {
	local ids deadline lines
	ids=$(
		IFS=,
		echo "$*"
	)
	deadline=$(($(date +%s) + timeout))
	while :; do
		lines=$(squeue -h -j "$ids" -o '%i %T %r' 2>/dev/null || true)
		if [ -z "$lines" ] || ! grep -qv DependencyNeverSatisfied <<<"$lines"; then
			[ -n "$lines" ] && awk '{print $1}' <<<"$lines"
			return 0
		fi
		[ "$(date +%s)" -lt "$deadline" ] || {
			squeue >&2
			die "jobs $ids still running after ${timeout}s"
		}
		sleep 1
	done
}

# job_states ID prints the JobState of each task of job ID, one a line.
job_states() { scontrol -o show job "$1" | grep -o 'JobState=[A-Z_]*' | cut -d= -f2; }

# assert_completed ID... fails unless every task of every job COMPLETED.
assert_completed() {
	local id bad
	for id in "$@"; do
		bad=$(job_states "$id" | grep -vx COMPLETED || true)
		[ -z "$bad" ] || die "job $id has tasks in state(s): $(echo $bad); see $tmp/plan*/logs"
	done
}

# submit PLANDIR submits the plan and sets pre, runs, agg to the job ids.
submit() {
	local out
	out=$("$1/submit.sh") || die "$1/submit.sh failed: $out"
	echo "$out" | sed 's/^/    /'
	pre=$(awk '$1 == "pretrain" {print $2}' <<<"$out")
	runs=$(awk '$1 == "runs" {print $2}' <<<"$out")
	agg=$(awk '$1 == "aggregate" {print $2}' <<<"$out")
	[ -n "$pre" ] && [ -n "$runs" ] && [ -n "$agg" ] || die "submit.sh printed: $out"
}

# same_results OUT fails unless OUT's summary.csv is byte-identical to the local
# one and each result.json equals the local one apart from timing and build fields.
same_results() {
	local got=$1/results/$name f rel n=0
	cmp "$want" "$got/summary.csv" || {
		diff "$want" "$got/summary.csv" >&2 || true
		die "$got/summary.csv differs from the local run's"
	}
	for f in "$local/results/$name"/runs/*/result.json; do
		rel=${f#"$local/results/$name/"}
		[ -f "$got/$rel" ] || die "missing $got/$rel"
		diff <(grep -vE '"(wall_seconds|finished|module|module_version|vcs_revision|go_version|train|validate|test)":' "$f") \
			<(grep -vE '"(wall_seconds|finished|module|module_version|vcs_revision|go_version|train|validate|test)":' "$got/$rel") >&2 ||
			die "$got/$rel differs from the local run's"
		n=$((n + 1))
	done
	[ "$n" = 6 ] || die "local run has $n result.json files, want 6"
	for f in summary.md; do [ -s "$got/$f" ] || die "missing $got/$f"; done
	for f in "$1/plots/${name}_accuracy.png" "$1/plots/${name}_curves.png"; do [ -s "$f" ] || die "missing $f"; done
}

# mtimes OUT prints "mtime path" of every result.json and finished run's
# checkpoint under OUT (not those of tunings in progress, under
# .cache/tune/, which a resubmission resumes and then removes).
mtimes() {
	find "$1/results" \( -name result.json -o -name '*.ckpt' \) -not -path '*/.cache/tune/*' -printf '%T@ %p\n' | sort -k2
}

# resubmit_unchanged OUT BEFORE resubmits the plan, waits for it, and fails
# if any file listed in BEFORE (from mtimes) was rewritten.
resubmit_unchanged() {
	submit "$plan"
	local stuck after m p
	stuck=$(wait_jobs "$pre" "$runs" "$agg")
	[ -z "$stuck" ] || die "resubmitted jobs never ran: $stuck"
	assert_completed "$pre" "$runs" "$agg"
	after=$(mtimes "$1")
	while read -r m p; do
		grep -qxF "$m $p" <<<"$after" || die "$p was redone (mtime changed)"
	done <<<"$2"
}

# 4. The plan, submitted.
plan=$tmp/plan1
out=$tmp/out1
log "writing the plan: go run ./experiments slurm -config $cfg -out $out -plan $plan"
go run ./experiments slurm -config "$cfg" -out "$out" -plan "$plan"
ls -l "$plan"
grep -H '^#SBATCH --array' "$plan"/*.sbatch
log "submitting $plan/submit.sh"
submit "$plan"
stuck=$(wait_jobs "$pre" "$runs" "$agg")
[ -z "$stuck" ] || die "jobs never ran (dependency never satisfied): $stuck"
assert_completed "$pre" "$runs" "$agg"
log "all tasks COMPLETED (pretrain $pre: $(job_states "$pre" | wc -l) tasks, runs $runs: $(job_states "$runs" | wc -l) tasks, aggregate $agg)"
same_results "$out"
log "OK: Slurm summary.csv and result.json files are identical to the local run's"

# 5a. Recovery from a cancelled task.
plan=$tmp/plan2
out=$tmp/out2
go run ./experiments slurm -config "$cfg" -out "$out" -plan "$plan" >/dev/null
log "recovery: submitting $plan and cancelling a running method task"
submit "$plan"
victim=
deadline=$(($(date +%s) + timeout))
while [ -z "$victim" ] && [ "$(date +%s)" -lt "$deadline" ]; do
	victim=$(squeue -h -j "$runs" -t RUNNING -o %i 2>/dev/null | head -1 || true)
	[ -n "$victim" ] && break
	[ -z "$(squeue -h -j "$runs" 2>/dev/null || true)" ] && [ -n "$(job_states "$runs" 2>/dev/null)" ] && break
	sleep 0.2
done
[ -n "$victim" ] || die "never saw a running task of job $runs to cancel"
scancel "$victim"
log "cancelled task $victim"
stuck=$(wait_jobs "$pre" "$runs" "$agg")
states=$(job_states "$runs" | sort | uniq -c | tr -s ' ' | tr '\n' ';')
log "first submission settled: runs tasks$states; stuck: ${stuck:-none}"
job_states "$runs" | grep -qx CANCELLED || die "no task of $runs was CANCELLED"
[ "$stuck" = "$agg" ] || die "want the aggregate job $agg stuck on its dependency, got: ${stuck:-none}"
scancel "$agg"
before=$(mtimes "$out")
nres=$(grep -c result.json <<<"$before" || true)
log "$nres of 6 result.json files exist before resubmitting"
if [ "$nres" = 6 ]; then
	# SIGTERM stops a run after its current checkpoint; when that checkpoint
	# was the run's last, the run finished and its result stands.
	vlog=$(ls "$plan"/logs/*_"$victim".out 2>/dev/null | head -1)
	[ -n "$vlog" ] && grep -q 'msg="stopping after the current checkpoints' "$vlog" && grep -q 'msg=done' "$vlog" ||
		die "6 result.json files exist, but the cancelled task's log ${vlog:-(none)} does not show it finishing after the signal"
	log "the cancelled task $victim was in its last checkpoint interval: it finished before stopping (see $vlog)"
fi
[ -e "$out/results/$name/summary.csv" ] && die "a summary was written before the aggregate job ran"
log "resubmitting $plan/submit.sh"
resubmit_unchanged "$out" "$before"
after=$(mtimes "$out")
[ "$(grep -c result.json <<<"$after")" = 6 ] || die "want 6 result.json files after resubmitting"
same_results "$out"
log "OK: resubmission redid only the $((6 - nres)) unfinished run(s); summary identical"

# 5b. Recovery from a deleted result.
gone=$(find "$out/results/$name/runs" -name result.json | sort | head -1)
rm "$gone"
before=$(mtimes "$out")
log "deleted $gone; resubmitting"
resubmit_unchanged "$out" "$before"
[ -f "$gone" ] || die "$gone was not redone"
same_results "$out"
log "OK: only the deleted run was redone; summary identical"
