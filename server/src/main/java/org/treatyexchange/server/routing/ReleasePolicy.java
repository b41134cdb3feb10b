package org.treatyexchange.server.routing;

/**
 * When a valid plan is executed. Whatever the policy, a plan that needs review waits for the
 * secretariat.
 */
public enum ReleasePolicy {
    /**
     * Distribute as soon as the filing is durable, without a secretariat officer looking at it.
     * Opens the door to a filer's mistake (a public folder chosen by accident) reaching every State
     * Party and the public area before anyone can stop it; choose it only where the treaty's
     * practice is automatic forwarding.
     */
    ON_RECEIPT,
    /** Distribute when a secretariat officer releases the filing. The default. */
    AFTER_REVIEW;

    /** The safe default: {@link #AFTER_REVIEW}. */
    public static final ReleasePolicy DEFAULT = AFTER_REVIEW;
}
