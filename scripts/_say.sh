# Sourced by the scripts: `say` prints a step; bold only on a terminal, never with NO_COLOR set or
# TERM=dumb, so logs and files get plain text.
say() {
  if [ -t 1 ] && [ -z "${NO_COLOR:-}" ] && [ "${TERM:-}" != dumb ]; then
    printf '\033[1m==>\033[0m %s\n' "$*"
  else
    printf '==> %s\n' "$*"
  fi
}
