package dev.gantry.workflows.api.lock;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * What a release's run says about locks, by its {@code lockClaims} query (read by the lock, never taken from a
 * signal): the lock it is asking for now, if any, and the locks it holds. A lock grants and frees only on this
 * word, so a signal forged by a client cannot move a lock.
 *
 * @param running whether the run still runs (a closed run holds and asks nothing)
 * @param known   false when the run could not say (it has no such query): the lock then goes by the signal
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record LockClaims(boolean running, boolean known, String asking, List<String> holding) {
  public static LockClaims gone() {
    return new LockClaims(false, true, null, List.of());
  }

  public static LockClaims unknown() {
    return new LockClaims(true, false, null, List.of());
  }

  public boolean holds(String lockId) {
    return holding != null && holding.contains(lockId);
  }

  public boolean asks(String lockId) {
    return lockId != null && lockId.equals(asking);
  }
}
