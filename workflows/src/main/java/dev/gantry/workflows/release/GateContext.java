package dev.gantry.workflows.release;

import dev.gantry.workflows.api.release.ReleaseRequest;

/**
 * What every automated gate of an environment works with ({@link QualityGate}, {@link ChangeBoardGate},
 * {@link WindowGate}, {@link FlagStages}): the release asked for, its progress, the rules of the human gates
 * (overrides), the recorder of audit events and status, and how a gate's outcome is told. Built once by
 * {@link EnvironmentGates}, so a gate's constructor names only what is its own.
 */
record GateContext(ReleaseRequest request, ReleaseProgress progress, GateBook book, Recorder recorder,
    GateOutcomes outcomes) {}
