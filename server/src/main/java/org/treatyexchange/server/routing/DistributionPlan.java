package org.treatyexchange.server.routing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import org.treatyexchange.sdk.wire.ConfidentialityLevel;

/**
 * Where one filing goes, decided by {@link Router#plan}. The constructor enforces the invariants
 * that make a plan safe to execute, so a plan that exists is one of the shapes below:
 * <ul>
 * <li>{@code secretariat}: no recipients, not public;
 * <li>{@code public}: the public area and the recipients (every State Party but the filer);
 * <li>{@code states-parties}, {@code named}: the recipients only;
 * <li>a plan that needs review has at least one reason, is at the secretariat level and is never
 *     released at once.
 * </ul>
 *
 * @param level the level applied
 * @param levelSource which step of the precedence gave the level
 * @param recipients the States Parties that receive a copy, by code, sorted, no repeats; never the
 *     filer, never a signatory
 * @param publicArea whether the filing goes to the public area
 * @param needsReview whether a secretariat officer must look before anything else happens
 * @param reviewReasons why, in plain words, for the reviewer; empty exactly when no review is needed
 * @param releaseAtOnce whether to distribute now rather than on the secretariat's release
 */
public record DistributionPlan(
        ConfidentialityLevel level,
        LevelSource levelSource,
        List<String> recipients,
        boolean publicArea,
        boolean needsReview,
        List<String> reviewReasons,
        boolean releaseAtOnce) {

    /** Which step of the precedence gave a plan its level. */
    public enum LevelSource {
        /** What the filing itself says (folder, manifest or envelope). */
        DECLARED,
        /** The filer State's standing instruction for the report type. */
        STANDING_INSTRUCTION,
        /** The report type's configured default. */
        REPORT_TYPE_DEFAULT,
        /** Nothing usable said anything, or something was wrong: the secretariat only. */
        FALLBACK
    }

    public DistributionPlan {
        Objects.requireNonNull(level, "level");
        Objects.requireNonNull(levelSource, "levelSource");
        List<String> sorted = new ArrayList<>(recipients);
        Collections.sort(sorted);
        recipients = List.copyOf(sorted);
        reviewReasons = List.copyOf(reviewReasons);
        if (new HashSet<>(recipients).size() != recipients.size()) {
            throw new IllegalArgumentException("recipients must not repeat a State");
        }
        if (level == ConfidentialityLevel.SECRETARIAT && !recipients.isEmpty()) {
            throw new IllegalArgumentException("a secretariat plan has no recipients");
        }
        if (publicArea != (level == ConfidentialityLevel.PUBLIC)) {
            throw new IllegalArgumentException("the public area is used exactly for the public level");
        }
        if (needsReview == reviewReasons.isEmpty()) {
            throw new IllegalArgumentException("a plan needs review exactly when it has review reasons");
        }
        if (needsReview && level != ConfidentialityLevel.SECRETARIAT) {
            throw new IllegalArgumentException("a plan that needs review goes no wider than the secretariat");
        }
        if (needsReview && releaseAtOnce) {
            throw new IllegalArgumentException("a plan that needs review is never released at once");
        }
    }
}
