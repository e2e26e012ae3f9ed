# Sourced by bench/trace-store/run and mixed-load: builds trace-store's classes and test classes
# (trace generator, test database helper, load driver) and sets $cp to the classpath to run a
# single-file Java program on. Set MVN_OFFLINE= (empty) to let Maven download missing plugins.
offline="${MVN_OFFLINE--o}"
cpfile="$root/trace-store/target/bench-classpath.txt"
mvn -B -q $offline -pl trace-store -am -DskipTests -Dspotless.check.skip=true test-compile \
  dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt \
  -Dmdep.includeScope=test >/dev/null
cp="$root/trace-store/target/classes:$root/trace-store/target/test-classes:$(cat "$cpfile")"
