package org.treatyexchange.server.filing;

import java.util.Optional;

/**
 * The structured format a report type's documents must have (e.g. a points-of-contact list). The
 * document is checked when it ends, before anything is recorded: a document that breaks the rule is
 * refused with the rule's words and leaves no filing.
 */
public interface ContentRule {

    /** The largest document of this format; a longer one is refused while it streams. */
    int maxBytes();

    /** What is wrong with the complete document, in words safe to show its sender; empty when it is valid. */
    Optional<String> problem(Submission submission, byte[] document);
}
