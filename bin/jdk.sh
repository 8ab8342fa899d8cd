# Sourced by bin/stoa, bin/test and .ci/run: finds a JDK >= 25 and exports JAVA_HOME.
# Order: $STOA_JAVA_HOME, $JAVA_HOME, then every JDK under /usr/lib/jvm and /opt.
stoa_java_major() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 \
    | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1
}

stoa_find_jdk() {
  local candidate major
  for candidate in "${STOA_JAVA_HOME:-}" "${JAVA_HOME:-}" /usr/lib/jvm/* /opt/*jdk* /opt/java/*; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] && [ -x "$candidate/bin/javac" ] || continue
    major=$(stoa_java_major "$candidate")
    if [ -n "$major" ] && [ "$major" -ge 25 ]; then
      export JAVA_HOME="$candidate"
      return 0
    fi
  done
  echo "stoa: no JDK >= 25 found (looked at \$STOA_JAVA_HOME, \$JAVA_HOME, /usr/lib/jvm/*, /opt)." >&2
  echo "stoa: install a JDK 25 (e.g. Temurin 25) and set JAVA_HOME to it." >&2
  return 1
}
