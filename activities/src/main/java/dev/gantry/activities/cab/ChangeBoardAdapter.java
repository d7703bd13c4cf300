package dev.gantry.activities.cab;

import dev.gantry.workflows.api.cab.CabDecision;
import dev.gantry.workflows.api.cab.CabPolicy;
import dev.gantry.workflows.api.cab.ChangeRequest;
import dev.gantry.workflows.api.cab.ChangeTicket;
import dev.gantry.workflows.api.cab.CloseChangeRequest;

/** One kind of change board. {@link ChangeBoardActivitiesImpl} routes to it by {@link #type()}. */
public interface ChangeBoardAdapter {

  /** The {@link CabPolicy#type()} this adapter serves. */
  String type();

  ChangeTicket openChange(ChangeRequest request);

  CabDecision readDecision(ChangeTicket ticket, CabPolicy policy);

  ChangeTicket closeChange(CloseChangeRequest request);
}
