package dev.gantry.activities.directory;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.gantry.activities.support.BoundedFiles;
import dev.gantry.activities.support.ConfinedPaths;
import dev.gantry.activities.support.ParseErrors;
import dev.gantry.workflows.api.approval.Approver;
import dev.gantry.workflows.api.approval.ApproverDirectory;
import dev.gantry.workflows.api.approval.ApproverDirectoryActivities;
import dev.gantry.workflows.api.approval.DirectoryRequest;
import dev.gantry.workflows.api.input.Names;
import dev.gantry.workflows.api.temporal.Failures;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.nio.file.InvalidPathException;
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
 *
 * <p>The file is named by configuration, so it is read as hostile: at most {@link #MAX_DIRECTORY_BYTES},
 * errors name the file, the line and the field but never quote it (the path once pointed at
 * {@code /etc/shadow}, and the parser's message showed its first line), person and group names must
 * match {@link Names}, and a public key must be a PEM public key in the directory file's own folder.
 */
public class FileApproverDirectory implements ApproverDirectoryActivities {
  static final long MAX_DIRECTORY_BYTES = BoundedFiles.MIB;
  static final long MAX_KEY_BYTES = 16 * BoundedFiles.KIB;
  private static final String PEM_PUBLIC_KEY = "-----BEGIN PUBLIC KEY-----";
  private final ObjectMapper yaml = new ObjectMapper(new YAMLFactory())
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  record DirectoryFile(Map<String, PersonEntry> people) {}

  record PersonEntry(List<String> groups, String publicKey) {}

  @Override
  public ApproverDirectory load(DirectoryRequest request) {
    Path file = path(request.source());
    DirectoryFile parsed = parse(file);
    if (parsed == null || parsed.people() == null || parsed.people().isEmpty()) {
      throw invalid(file, "has no 'people'");
    }
    Map<String, Approver> people = new LinkedHashMap<>();
    int index = 0;
    for (Map.Entry<String, PersonEntry> entry : parsed.people().entrySet()) {
      String name = personName(file, index++, entry.getKey());
      PersonEntry person = entry.getValue() == null ? new PersonEntry(List.of(), null) : entry.getValue();
      String publicKey = person.publicKey() == null ? null : publicKey(file, name, person.publicKey());
      people.put(name, new Approver(name, groups(file, name, person.groups()), publicKey));
    }
    return new ApproverDirectory(file.toString(), people);
  }

  private static Path path(String source) {
    try {
      return Path.of(source);
    } catch (InvalidPathException | NullPointerException e) {
      throw ApplicationFailure.newNonRetryableFailure("approvers directory " + Names.shown(source)
          + " is not a valid path", Failures.INVALID_REQUEST);
    }
  }

  private DirectoryFile parse(Path file) {
    byte[] content;
    try {
      content = BoundedFiles.read(file, MAX_DIRECTORY_BYTES);
    } catch (IOException e) {
      throw invalid(file, BoundedFiles.describe(e));
    }
    try {
      return yaml.readValue(content, DirectoryFile.class);
    } catch (JsonProcessingException e) {
      throw invalid(file, ParseErrors.describe(e, "YAML"));
    } catch (IOException e) {
      throw invalid(file, BoundedFiles.describe(e));
    }
  }

  /** A person is a key of 'people': the file's own word, so it is shown only once it has a name's shape. */
  private static String personName(Path file, int index, String name) {
    if (!Names.isPerson(name)) {
      throw invalid(file, "people: entry " + (index + 1) + " is not a person's name (letters, digits, '.',"
          + " '_', '@', '+', '-', at most 64 characters)");
    }
    return name;
  }

  private static List<String> groups(Path file, String person, List<String> groups) {
    if (groups == null) {
      return List.of();
    }
    for (int i = 0; i < groups.size(); i++) {
      if (!Names.isName(groups.get(i))) {
        throw invalid(file, "people." + person + ".groups[" + i + "] is not a group name (lowercase letters,"
            + " digits and '-')");
      }
    }
    return List.copyOf(groups);
  }

  /**
   * The key file, relative to the directory file and inside its folder, holding a PEM public key: the key
   * travels into the release's history, so nothing else may (a path to a secret once would have).
   */
  private static String publicKey(Path file, String person, String relative) {
    String field = "people." + person + ".publicKey";
    Path folder = file.toAbsolutePath().getParent();
    Path keyFile;
    try {
      keyFile = ConfinedPaths.existingFileInside(List.of(folder), folder.resolve(relative).normalize());
    } catch (ApplicationFailure | InvalidPathException e) {
      throw invalid(file, field + ": not a readable file inside " + folder);
    }
    String pem;
    try {
      pem = BoundedFiles.readString(keyFile, MAX_KEY_BYTES);
    } catch (IOException e) {
      throw invalid(file, field + ": " + keyFile + " " + BoundedFiles.describe(e));
    }
    if (!pem.strip().startsWith(PEM_PUBLIC_KEY)) {
      throw invalid(file, field + ": " + keyFile + " is not a PEM public key (" + PEM_PUBLIC_KEY + ")");
    }
    return pem;
  }

  private static ApplicationFailure invalid(Path file, String problem) {
    return ApplicationFailure.newNonRetryableFailure("approvers directory " + file + " " + problem,
        Failures.INVALID_REQUEST);
  }
}
