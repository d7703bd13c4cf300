package dev.gantry.activities.signing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.activities.support.BoundedFiles;
import dev.gantry.activities.support.ParseErrors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * in-toto Statements v1 about one artifact: an SPDX SBOM or a SLSA v1 provenance. The result is the UTF-8
 * JSON that {@link Attestations#sign} puts in a DSSE envelope.
 */
public final class InTotoStatements {
  public static final String STATEMENT_V1 = "https://in-toto.io/Statement/v1";
  public static final String SPDX_DOCUMENT = "https://spdx.dev/Document";
  public static final String SLSA_PROVENANCE_V1 = "https://slsa.dev/provenance/v1";

  private static final ObjectMapper JSON = new ObjectMapper();
  /** SPDX documents of large images run to tens of megabytes; far above that is not an SBOM. */
  static final long MAX_SBOM_BYTES = 64 * BoundedFiles.MIB;
  private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

  private InTotoStatements() {}

  /** A statement whose predicate is the SPDX JSON document in {@code spdxJson}, unchanged. */
  public static byte[] sbom(String subjectName, String sha256Hex, Path spdxJson) {
    JsonNode document;
    try {
      document = JSON.readTree(BoundedFiles.read(spdxJson, MAX_SBOM_BYTES));
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("SBOM " + spdxJson + " does not exist", e);
    } catch (JsonProcessingException e) {
      // Not Jackson's message, nor its exception: both quote the file, whose path is configuration.
      throw new IllegalArgumentException("SBOM " + spdxJson + " " + ParseErrors.describe(e, "JSON"));
    } catch (BoundedFiles.Refused e) {
      throw new IllegalArgumentException("SBOM " + spdxJson + " " + BoundedFiles.describe(e));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read SBOM " + spdxJson + ": it " + BoundedFiles.describe(e), e);
    }
    if (document == null || !document.isObject() || !document.path("spdxVersion").isTextual()) {
      throw new IllegalArgumentException("SBOM " + spdxJson
          + " is not an SPDX JSON document: it has no \"spdxVersion\" (only SPDX JSON is supported)");
    }
    return render(statement(subjectName, sha256Hex, SPDX_DOCUMENT, document));
  }

  /** A statement whose predicate is SLSA provenance v1 ({@code buildDefinition} and {@code runDetails}). */
  public static byte[] slsaProvenance(String subjectName, String sha256Hex, Provenance provenance) {
    ObjectNode predicate = JSON.createObjectNode();
    ObjectNode buildDefinition = predicate.putObject("buildDefinition");
    buildDefinition.put("buildType", provenance.buildType());
    buildDefinition.set("externalParameters", JSON.valueToTree(provenance.externalParameters()));
    if (provenance.sourceUri() != null) {
      ObjectNode source = buildDefinition.putArray("resolvedDependencies").addObject();
      source.put("uri", provenance.sourceUri());
      if (provenance.sourceCommit() != null) {
        source.putObject("digest").put("gitCommit", provenance.sourceCommit());
      }
    }

    ObjectNode runDetails = predicate.putObject("runDetails");
    runDetails.putObject("builder").put("id", provenance.builderId());
    ObjectNode metadata = runDetails.putObject("metadata");
    if (provenance.invocationId() != null) {
      metadata.put("invocationId", provenance.invocationId());
    }
    if (provenance.startedOn() != null) {
      metadata.put("startedOn", provenance.startedOn().toString()); // RFC 3339, UTC
    }
    if (provenance.finishedOn() != null) {
      metadata.put("finishedOn", provenance.finishedOn().toString());
    }
    return render(statement(subjectName, sha256Hex, SLSA_PROVENANCE_V1, predicate));
  }

  private static ObjectNode statement(String subjectName, String sha256Hex, String predicateType,
      JsonNode predicate) {
    if (subjectName == null || subjectName.isBlank()) {
      throw new IllegalArgumentException("an in-toto subject needs a name");
    }
    if (sha256Hex == null || !SHA256_HEX.matcher(sha256Hex).matches()) {
      throw new IllegalArgumentException("subject digest must be 64 lowercase hex characters (SHA-256), got '"
          + sha256Hex + "'");
    }
    ObjectNode statement = JSON.createObjectNode();
    statement.put("_type", STATEMENT_V1);
    ObjectNode subject = statement.putArray("subject").addObject();
    subject.put("name", subjectName);
    subject.putObject("digest").put("sha256", sha256Hex);
    statement.put("predicateType", predicateType);
    statement.set("predicate", predicate);
    return statement;
  }

  private static byte[] render(ObjectNode statement) {
    try {
      return JSON.writeValueAsBytes(statement); // UTF-8, non-ASCII written as is
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot render an in-toto statement: " + e.getMessage(), e);
    }
  }
}
