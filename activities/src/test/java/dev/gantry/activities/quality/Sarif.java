package dev.gantry.activities.quality;

/** SARIF 2.1.0 reports shaped like CodeQL's and Trivy's output. */
final class Sarif {
  private Sarif() {}

  static final String MIXED = """
      {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
          {
            "tool": {
              "driver": {
                "name": "CodeQL",
                "rules": [
                  {"id": "js/sql-injection", "defaultConfiguration": {"level": "error"},
                   "properties": {"security-severity": "9.8", "tags": ["security"]}},
                  {"id": "js/path-traversal", "properties": {"security-severity": "7.5"}},
                  {"id": "js/override", "properties": {"security-severity": "5.0"}},
                  {"id": "js/medium", "properties": {"security-severity": 5.0}},
                  {"id": "js/unused-variable", "defaultConfiguration": {"level": "note"}},
                  {"id": "js/error-by-default", "defaultConfiguration": {"level": "error"}},
                  {"id": "weak-hash", "properties": {"security-severity": "7.0"}}
                ]
              },
              "extensions": [
                {"name": "extra-pack", "rules": [
                  {"id": "ext/deserialize", "properties": {"security-severity": "9.5"}}
                ]}
              ]
            },
            "results": [
              {"ruleId": "js/sql-injection", "level": "error", "message": {"text": "by id"}},
              {"ruleIndex": 0, "message": {"text": "by index"}},
              {"ruleId": "js/override", "properties": {"security-severity": "9.1"}, "message": {"text": "x"}},
              {"rule": {"id": "ext/deserialize", "index": 0, "toolComponent": {"index": 0}},
               "message": {"text": "extension"}},
              {"ruleId": "js/sql-injection", "suppressions": [{"kind": "external", "status": "underReview"}],
               "message": {"text": "suppression under review still counts"}},
              {"ruleId": "js/path-traversal", "message": {"text": "high"}},
              {"ruleId": "no-such-rule", "level": "error", "message": {"text": "high by level"}},
              {"ruleId": "js/error-by-default", "message": {"text": "high by the rule's default level"}},
              {"ruleId": "weak-hash/md5", "message": {"text": "hierarchical id"}},
              {"ruleId": "js/medium", "level": "error", "message": {"text": "medium: severity wins over level"}},
              {"ruleId": "no-such-rule", "level": "warning", "message": {"text": "warning"}},
              {"ruleId": "js/unused-variable", "message": {"text": "note"}},
              {"ruleId": "js/sql-injection", "kind": "pass", "message": {"text": "pass"}},
              {"ruleId": "js/sql-injection", "suppressions": [{"kind": "inSource"}],
               "message": {"text": "suppressed"}},
              {"ruleId": "js/sql-injection", "baselineState": "absent", "message": {"text": "fixed"}}
            ]
          },
          {
            "tool": {"driver": {"name": "Trivy", "rules": []}},
            "results": []
          }
        ]
      }
      """;

  static final String ONLY_HIGH_AND_MEDIUM = """
      {
        "version": "2.1.0",
        "runs": [
          {
            "tool": {"driver": {"name": "Trivy", "rules": [
              {"id": "CVE-2024-0001", "properties": {"security-severity": "8.1"}},
              {"id": "CVE-2024-0002", "properties": {"security-severity": "4.3"}}
            ]}},
            "results": [
              {"ruleId": "CVE-2024-0001", "ruleIndex": 0, "level": "error", "message": {"text": "high"}},
              {"ruleId": "CVE-2024-0002", "ruleIndex": 1, "level": "warning", "message": {"text": "medium"}}
            ]
          }
        ]
      }
      """;
}
