package org.treatyexchange.server.store;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.treatyexchange.sdk.wire.ConfidentialityLevel;

/** Standing instructions a State set with a signed message; each overrides the registry's for its report type. */
public interface InstructionRecords {

    /**
     * A State's latest instruction for one report type.
     *
     * @param level the level to apply, or null: the State withdrew its instruction (the default applies)
     * @param namedStates with {@code named}, the States; otherwise empty
     * @param messageId the signed message that set it
     */
    record SetInstruction(String state, String reportType, ConfidentialityLevel level, List<String> namedStates, String messageId,
            String account, Instant setAt) {
        public SetInstruction {
            Objects.requireNonNull(state, "state");
            Objects.requireNonNull(reportType, "reportType");
            namedStates = List.copyOf(namedStates);
            Objects.requireNonNull(messageId, "messageId");
            Objects.requireNonNull(account, "account");
            Objects.requireNonNull(setAt, "setAt");
        }
    }

    /** Records it, replacing the State's earlier instruction for the same report type. */
    void put(SetInstruction instruction) throws StoreException;

    Optional<SetInstruction> find(String state, String reportType) throws StoreException;

    /** Every instruction set by message, by State then report type. */
    List<SetInstruction> all() throws StoreException;
}
