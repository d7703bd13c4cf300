package dev.gantry.activities.directory;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.gantry.workflows.api.Approver;
import dev.gantry.workflows.api.ApproverDirectory;
import dev.gantry.workflows.api.ApproverDirectoryActivities;
import dev.gantry.workflows.api.DirectoryRequest;
import dev.gantry.workflows.api.Failures;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The approvers directory as a YAML file:
 *
 * <pre>
 * people:
 *   alice:
 *     groups: [release-managers]
 *     publicKey: keys/alice.pub      # optional, for signed approvals; relative to this file
 * </pre>
 *
 * Read on every call, so an edit (someone leaves the team) applies to the next gate that opens.
 */
public class FileApproverDirectory implements ApproverDirectoryActivities {
  private final ObjectMapper yaml = new ObjectMapper(new YAMLFactory())
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  record DirectoryFile(Map<String, PersonEntry> people) {}

  record PersonEntry(List<String> groups, String publicKey) {}

  @Override
  public ApproverDirectory load(DirectoryRequest request) {
    Path file = Path.of(request.source());
    DirectoryFile parsed;
    try {
      parsed = yaml.readValue(file.toFile(), DirectoryFile.class);
    } catch (IOException e) {
      throw invalid(file, "cannot be read: " + e.getMessage().split("\n")[0]);
    }
    if (parsed == null || parsed.people() == null || parsed.people().isEmpty()) {
      throw invalid(file, "has no 'people'");
    }
    Map<String, Approver> people = new LinkedHashMap<>();
    for (Map.Entry<String, PersonEntry> entry : parsed.people().entrySet()) {
      PersonEntry person = entry.getValue() == null ? new PersonEntry(List.of(), null) : entry.getValue();
      String publicKey = null;
      if (person.publicKey() != null) {
        Path keyFile = file.toAbsolutePath().getParent().resolve(person.publicKey()).normalize();
        try {
          publicKey = Files.readString(keyFile);
        } catch (IOException e) {
          throw invalid(file, "people." + entry.getKey() + ".publicKey: cannot read " + keyFile);
        }
      }
      people.put(entry.getKey(), new Approver(entry.getKey(),
          person.groups() == null ? List.of() : List.copyOf(person.groups()), publicKey));
    }
    return new ApproverDirectory(file.toString(), people);
  }

  private static ApplicationFailure invalid(Path file, String problem) {
    return ApplicationFailure.newNonRetryableFailure("approvers directory " + file + " " + problem,
        Failures.INVALID_REQUEST);
  }
}
