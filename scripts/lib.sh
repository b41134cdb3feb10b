# Shared by the scripts in this folder: find the repository, build what is missing, and
# put the server's class path together. Sourced, not run.
set -euo pipefail
TX_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TX_SERVER="$TX_ROOT/server/target"

# Builds (without tests) when the server jar is missing or any source or pom is newer than it.
tx_build_if_needed() {
  local jar="$TX_SERVER/treaty-exchange-server-0.1.0-SNAPSHOT.jar"
  if [[ ! -f "$jar" || ! -d "$TX_SERVER/lib" ]] \
     || [[ -n "$(find "$TX_ROOT/pom.xml" "$TX_ROOT/server/pom.xml" "$TX_ROOT/client-sdk/pom.xml" \
                 "$TX_ROOT/server/src/main" "$TX_ROOT/client-sdk/src/main" -newer "$jar" -print -quit)" ]]; then
    echo "building Treaty Exchange (mvn package, tests skipped) ..." >&2
    (cd "$TX_ROOT" && mvn -q -B -DskipTests package) >&2
  fi
}

tx_classpath() {
  echo "$TX_SERVER/treaty-exchange-server-0.1.0-SNAPSHOT.jar:$TX_SERVER/lib/*"
}
