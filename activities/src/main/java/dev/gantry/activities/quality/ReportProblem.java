package dev.gantry.activities.quality;

/**
 * A report could not be used: it is missing, unreadable or malformed. The message is a whole sentence for
 * the operator, naming the report and what to do. The gate turns it into a problem and fails; it never
 * passes on a report it could not read.
 */
final class ReportProblem extends Exception {
  private static final long serialVersionUID = 1L;

  ReportProblem(String message) {
    super(message, null, false, false);
  }
}
