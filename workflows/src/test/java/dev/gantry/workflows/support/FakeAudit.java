package dev.gantry.workflows.support;

import dev.gantry.workflows.api.AuditActivities;
import dev.gantry.workflows.api.AuditEvent;
import dev.gantry.workflows.api.FollowUpReview;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** An in-memory audit trail for workflow unit tests: what the release wrote, in order. */
public class FakeAudit implements AuditActivities {
  public final List<AuditEvent> events = new CopyOnWriteArrayList<>();
  public final List<FollowUpReview> reviews = new CopyOnWriteArrayList<>();

  @Override
  public void append(AuditEvent event) {
    if (events.stream().noneMatch(e -> e.eventId().equals(event.eventId()))) {
      events.add(event);
    }
  }

  @Override
  public String openFollowUpReview(FollowUpReview review) {
    reviews.add(review);
    return "reviews/" + review.environment() + "-" + review.gate();
  }
}
