package dev.gantry.worker;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * A test class that needs a real peer: the Temporal dev server, moto, cosign, a browser or tmux. The worker
 * module runs these under maven-failsafe in {@code integration-test} (after the jar is built), the others
 * under surefire in {@code test}; {@code ./mvnw install} and {@code verify} run both and fail on either.
 * One test of either kind: {@code -Dtest=<Class>} (worker/pom.xml hands the same pattern to failsafe).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag("real-peers")
@interface RealPeers {}
