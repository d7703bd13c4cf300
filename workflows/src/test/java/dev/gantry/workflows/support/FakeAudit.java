package dev.gantry.workflows.support;

import dev.gantry.workflows.api.approval.FollowUpReview;
import dev.gantry.workflows.api.audit.AuditActivities;
import dev.gantry.workflows.api.audit.AuditEvent;
import dev.gantry.workflows.api.audit.AuditHead;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** An in-memory audit trail for workflow unit tests: what the release wrote, in order. */
public class FakeAudit implements AuditActivities {
  public final List<AuditEvent> events = new CopyOnWriteArrayList<>();
  public final List<FollowUpReview> reviews = new CopyOnWriteArrayList<>();

  @Override
  public synchronized AuditHead append(AuditEvent event) {
    for (int i = 0; i < events.size(); i++) {
      if (events.get(i).eventId().equals(event.eventId())) {
        return head(i + 1, events.get(i));
      }
    }
    events.add(event);
    return head(events.size(), event);
  }

  private static AuditHead head(int sequence, AuditEvent event) {
    return new AuditHead("audit.jsonl", sequence, "%064x".formatted(sequence), event.eventId());
  }

  @Override
  public String openFollowUpReview(FollowUpReview review) {
    reviews.add(review);
    return "reviews/" + review.environment() + "-" + review.gate();
  }
}
