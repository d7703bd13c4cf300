package dev.gantry.activities.signing;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * An attestation that verified cryptographically and is about the expected artifact. Policy is checked
 * afterwards against {@link #keyId()}.
 *
 * @param keyId the cosign hint of the key that verified it
 * @param predicateType the statement's predicate type (the required one)
 * @param statement the whole in-toto statement, for checks on the predicate
 */
public record VerifiedAttestation(String keyId, String predicateType, JsonNode statement) {}
