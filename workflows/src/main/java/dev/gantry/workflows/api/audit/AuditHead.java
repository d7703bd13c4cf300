package dev.gantry.workflows.api.audit;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * Where an audit trail stood right after a record was appended: the result of {@code Audit.append}, so
 * every release's history holds the position and hash of each record it wrote, and the workflow keeps the
 * latest in its state (the release's {@code status} shows it). {@code gantry audit verify --history} compares
 * them with the trail: a cut tail or a re-chained edit no longer matches what Temporal recorded.
 *
 * @param trail    the trail's file name (e.g. {@code audit.jsonl})
 * @param sequence the record's line number in the trail (1 for the first record)
 * @param hash     the record's chain hash (hex SHA-256, the {@code hash} field of its line)
 * @param eventId  the record's event id
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record AuditHead(String trail, long sequence, String hash, String eventId) {}
