package dev.gantry.workflows.api.flags;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * The feature flag port (Split). Reading goes through the Split SDK (localhost file or SDK key) or the
 * Admin API; changes only through the Admin API. Every method is idempotent under retry.
 * {@link #UNAVAILABLE} (HTTP 429, 5xx, timeouts) is retryable; the others are not.
 */
@ActivityInterface(namePrefix = "FeatureFlags.")
public interface FeatureFlagActivities {
  /** The settings cannot be used (no workspace, no environment, a bad URL, no way to read flags). */
  String INVALID_SETTINGS = "InvalidFlagSettings";
  /** The environment variable named for a key is not set on the worker. */
  String CREDENTIAL_MISSING = "FlagCredentialMissing";
  /** Split refused the request (4xx other than 408/429), or answered outside its documented contract. */
  String REFUSED = "FlagChangeRefused";
  /** The flag is not defined in the environment. */
  String NOT_FOUND = "FlagNotFound";
  /** Split could not be reached, rate-limited us (429) or failed (5xx). Retried. */
  String UNAVAILABLE = "FlagServiceUnavailable";

  /** Missing and killed required flags, by the SDK if one is configured, else by the Admin API. */
  @ActivityMethod(name = "FeatureFlags.checkRequired")
  RequiredFlagsResult checkRequired(RequiredFlagsRequest request);

  /** The SDK's treatment of a flag for a key. */
  @ActivityMethod(name = "FeatureFlags.treatment")
  TreatmentResult treatment(TreatmentRequest request);

  /** Every flag of the environment, read page by page from the Admin API. */
  @ActivityMethod(name = "FeatureFlags.listFlags")
  FlagList listFlags(ListFlagsRequest request);

  /** Replaces the default rule's treatment sizes; returns the flag as Split has it afterwards. */
  @ActivityMethod(name = "FeatureFlags.setDefaultRule")
  FlagState setDefaultRule(SetDefaultRuleRequest request);

  /** Kills the flag; returns the flag as Split has it afterwards. */
  @ActivityMethod(name = "FeatureFlags.kill")
  FlagState kill(KillFlagRequest request);
}
