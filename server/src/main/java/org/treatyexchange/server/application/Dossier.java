package org.treatyexchange.server.application;

import java.util.List;
import java.util.Optional;
import org.treatyexchange.server.release.ReleaseService;

/**
 * What the secretariat needs to decide on a filing: the filing, the plan its release would execute (which States,
 * whether the public area, and how its level was decided), every version of its document, its history, whether its
 * level needs two people to release, and (on the filing's page) the audit events about it.
 *
 * @param versions  every version of the document, oldest first (this filing among them)
 * @param decisions every step of its history, oldest first
 * @param fourEyes  whether a release at its level needs a second, different secretariat person
 * @param events    the audit events whose subject is this filing, oldest first (empty in the queue)
 */
public record Dossier(Filing filing, Optional<Filing.Plan> plan, List<Filing> versions, List<Filing.Decision> decisions, boolean fourEyes,
        List<Filing.AuditEntry> events) {

    public Dossier {
        versions = List.copyOf(versions);
        decisions = List.copyOf(decisions);
        events = List.copyOf(events);
    }

    /** The newest version of the document when it is not this filing: releasing this one needs a confirmation naming it. */
    public Optional<Filing> newestVersion() {
        Filing last = versions.isEmpty() ? filing : versions.get(versions.size() - 1);
        return last.id().equals(filing.id()) ? Optional.empty() : Optional.of(last);
    }

    /** The newest version's id, or null (for templates). */
    public String supersededBy() {
        return newestVersion().map(Filing::id).orElse(null);
    }

    /** Who approved the release first, while that approval waits for a second person; else null. */
    public String firstApprover() {
        if (decisions.isEmpty()) {
            return null;
        }
        Filing.Decision last = decisions.get(decisions.size() - 1);
        return last.status().equals(ReleaseService.RELEASE_APPROVED) ? last.actor() : null;
    }

    /** The reason of the latest hold or withdrawal, when that is the filing's status; else null. */
    public String statusReason() {
        if (!filing.status().equals(ReleaseService.HELD) && !filing.status().equals(ReleaseService.WITHDRAWN)) {
            return null;
        }
        for (int i = decisions.size() - 1; i >= 0; i--) {
            if (decisions.get(i).status().equals(filing.status())) {
                return decisions.get(i).reason();
            }
        }
        return null;
    }

    /** Whether a release may be asked for now (pending or held). */
    public boolean releasable() {
        return filing.status().equals(ReleaseService.PENDING) || filing.status().equals(ReleaseService.HELD);
    }
}
