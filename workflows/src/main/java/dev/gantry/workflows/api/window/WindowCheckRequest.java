package dev.gantry.workflows.api.window;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * Input of {@link DeploymentWindowActivities#evaluate}.
 *
 * @param environment   the environment the release waits to enter, for messages and logs
 * @param policy        the environment's window policy; a null policy is always open
 * @param atEpochMillis the instant to judge, from {@code Workflow.currentTimeMillis()} (the activity
 *                      never reads its own clock, so a retry judges the same instant)
 * @param extraFreezes  freezes added at run time by signal while the release was waiting, in the
 *                      policy's time zone where they are local; nullable
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record WindowCheckRequest(
    String environment, DeploymentWindowPolicy policy, long atEpochMillis, List<Freeze> extraFreezes) {}
