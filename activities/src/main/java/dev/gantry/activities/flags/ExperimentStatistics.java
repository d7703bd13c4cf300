package dev.gantry.activities.flags;

import dev.gantry.workflows.api.flags.ExperimentAnalysisRequest;
import dev.gantry.workflows.api.flags.ExperimentResult;
import dev.gantry.workflows.api.flags.TreatmentComparison;
import dev.gantry.workflows.api.flags.TreatmentCount;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.commons.math3.distribution.NormalDistribution;

/**
 * Two-proportion z-test of each treatment against the control, two-sided, with the pooled standard error:
 * {@code z = (p1 - p0) / sqrt(p (1 - p) (1/n1 + 1/n0))}, {@code p = (x1 + x0) / (n1 + n0)},
 * p-value {@code 2 (1 - Phi(|z|))} with Commons Math's standard normal. With more than one treatment
 * besides the control, alpha is divided by their number (Bonferroni). Needs at least ~10 conversions and
 * non-conversions per treatment for the normal approximation to hold; below the minimum sample the result
 * says so and the workflow never keeps a winner automatically.
 */
public final class ExperimentStatistics {
  private static final NormalDistribution STANDARD_NORMAL = new NormalDistribution(null, 0, 1);

  private ExperimentStatistics() {}

  public static ExperimentResult compare(ExperimentAnalysisRequest request) {
    String control = request.control();
    TreatmentCount base = request.counts().of(control);
    List<String> others = request.treatments().stream().filter(t -> !t.equals(control)).toList();
    double alpha = others.size() > 1 ? request.alpha() / others.size() : request.alpha();
    boolean sampleReached = request.treatments().stream()
        .allMatch(t -> request.counts().of(t).exposures() >= request.minSamplePerTreatment());

    List<TreatmentComparison> rows = new ArrayList<>();
    rows.add(new TreatmentComparison(control, base.exposures(), base.conversions(), base.rate(), null, null, null,
        false));
    TreatmentComparison best = null;
    TreatmentComparison smallestP = null;
    boolean controlBeatsAll = !others.isEmpty();
    for (String treatment : others) {
      TreatmentCount count = request.counts().of(treatment);
      Double z = zScore(count, base);
      Double p = z == null ? null : 2 * (1 - STANDARD_NORMAL.cumulativeProbability(Math.abs(z)));
      Double lift = base.rate() == 0 ? null : (count.rate() - base.rate()) / base.rate();
      boolean significant = p != null && p < alpha;
      TreatmentComparison row = new TreatmentComparison(treatment, count.exposures(), count.conversions(),
          count.rate(), lift, z, p, significant);
      rows.add(row);
      if (p != null && (smallestP == null || p < smallestP.pValue())) {
        smallestP = row;
      }
      if (significant && count.rate() > base.rate() && (best == null || count.rate() > best.rate())) {
        best = row;
      }
      if (!(significant && count.rate() < base.rate())) {
        controlBeatsAll = false;
      }
    }
    String winner;
    Double pValue;
    Double lift;
    if (best != null) {
      winner = best.treatment();
      pValue = best.pValue();
      lift = best.lift();
    } else if (controlBeatsAll) {
      winner = control;
      pValue = smallestP.pValue();
      lift = null;
    } else {
      winner = null;
      pValue = smallestP == null ? null : smallestP.pValue();
      lift = smallestP == null ? null : smallestP.lift();
    }
    boolean significant = winner != null;
    String summary = summary(rows, winner, control, significant, pValue, lift, alpha, sampleReached,
        request.minSamplePerTreatment());
    return new ExperimentResult(control, rows, winner, significant, pValue, lift, alpha, sampleReached, summary);
  }

  static Double zScore(TreatmentCount treatment, TreatmentCount control) {
    long n1 = treatment.exposures();
    long n0 = control.exposures();
    if (n1 == 0 || n0 == 0) {
      return null;
    }
    double pooled = (double) (treatment.conversions() + control.conversions()) / (n1 + n0);
    double se = Math.sqrt(pooled * (1 - pooled) * (1.0 / n1 + 1.0 / n0));
    if (se == 0) {
      return null;
    }
    return (treatment.rate() - control.rate()) / se;
  }

  private static String summary(List<TreatmentComparison> rows, String winner, String control, boolean significant,
      Double pValue, Double lift, double alpha, boolean sampleReached, long minSample) {
    StringBuilder text = new StringBuilder();
    for (TreatmentComparison row : rows) {
      text.append(text.length() == 0 ? "" : ", ").append(row.treatment()).append(' ')
          .append(row.conversions()).append('/').append(row.exposures())
          .append(String.format(Locale.ROOT, " (%.2f%%)", row.rate() * 100));
    }
    String p = pValue == null ? "n/a" : String.format(Locale.ROOT, "%.4g", pValue);
    String verdict;
    if (!significant) {
      verdict = "not significant (p = " + p + ", alpha " + alpha + "): keep " + control + " unless you know better";
    } else if (winner.equals(control)) {
      verdict = "the control " + control + " is significantly better (p = " + p + ")";
    } else {
      verdict = winner + " wins: lift " + (lift == null ? "n/a" : String.format(Locale.ROOT, "%+.1f%%", lift * 100))
          + " over " + control + ", p = " + p;
    }
    return verdict + "; " + text + (sampleReached ? "" : "; SAMPLE NOT REACHED (" + minSample + " per treatment)");
  }
}
