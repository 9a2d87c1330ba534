# Sourced by the bench scripts, after `root` is set: the tool check and the phase clock they all use.
#   bench_require NAME HINT TOOL...   exits with "NAME: TOOL is missing (HINT)" for the first TOOL not on the PATH
#   phase TEXT                        prints "[seconds since the previous phase] TEXT" on stderr
bench_require() {
  local name=$1 hint=$2 tool
  shift 2
  for tool in "$@"; do
    command -v "$tool" >/dev/null || { echo "$name: $tool is missing${hint:+ ($hint)}" >&2; exit 1; }
  done
}

now() { date +%s%N; }
began=$(now)
phase_start=$began
phase() { local t; t=$(now); printf '  [%6.1f s] %s\n' "$(( (t - phase_start) / 1000000 ))e-3" "$1" >&2; phase_start=$t; }
