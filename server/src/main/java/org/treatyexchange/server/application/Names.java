package org.treatyexchange.server.application;

import java.text.Normalizer;
import java.util.Optional;
import org.treatyexchange.sdk.wire.DocumentNames;

/**
 * The one rule for names and titles that other people will read, whatever channel brought them
 * ({@link DocumentNames}, the wire formats' own rule), as refusals. Names are stored as given (after
 * NFC), never cleaned up.
 */
public final class Names {

    private Names() {
    }

    /**
     * The NFC form of a document name.
     *
     * @param maxBytes the configured maximum length in UTF-8 bytes (at most {@link DocumentNames#MAX_NAME_BYTES})
     * @throws Refusal {@link Refusal.Reason#INVALID_NAME} naming the rule broken
     */
    public static String document(String name, int maxBytes) throws Refusal {
        String nfc = name == null ? null : Normalizer.normalize(name, Normalizer.Form.NFC);
        Optional<String> problem = DocumentNames.problem(nfc, maxBytes);
        if (problem.isPresent()) {
            throw new Refusal(Refusal.Reason.INVALID_NAME, problem.get());
        }
        return nfc;
    }

    /**
     * The NFC form of a title shown to other States (e.g. of a secretariat message): the character
     * rules of {@link #document}, path separators allowed, at most {@link DocumentNames#MAX_TITLE_CHARS} characters.
     */
    public static String title(String title) throws Refusal {
        String nfc = title == null ? null : Normalizer.normalize(title, Normalizer.Form.NFC);
        Optional<String> problem = DocumentNames.titleProblem(nfc);
        if (problem.isPresent()) {
            throw new Refusal(Refusal.Reason.MALFORMED, problem.get());
        }
        return nfc;
    }
}
