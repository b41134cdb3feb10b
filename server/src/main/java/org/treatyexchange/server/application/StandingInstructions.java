package org.treatyexchange.server.application;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.treatyexchange.sdk.wire.ConfidentialityLevel;
import org.treatyexchange.server.config.ServerConfig;
import org.treatyexchange.server.registry.Registry;
import org.treatyexchange.server.registry.RegistryService;
import org.treatyexchange.server.registry.StandingInstruction;
import org.treatyexchange.server.registry.StateEntry;
import org.treatyexchange.server.reporting.TextTable;
import org.treatyexchange.server.store.InstructionRecords.SetInstruction;
import org.treatyexchange.server.store.Store;
import org.treatyexchange.server.store.StoreException;

/**
 * Which confidentiality applies, per State and report type, to a filing that says no level: the
 * State's own signed instruction, else the registry's, else the report type's default. The same
 * precedence as routing ({@link RoutingPolicy#withInstructionsSetByMessage}), shown to people.
 */
public final class StandingInstructions {

    /** Where the level in force comes from. */
    public enum Source {
        /** The State's own signed {@code instruction} message. */
        MESSAGE("message"),
        /** The registry entered when the State was registered. */
        REGISTRY("registry"),
        /** No instruction (or a withdrawn one): the report type's configured default. */
        DEFAULT("default");

        private final String wireName;

        Source(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }
    }

    /**
     * The level in force for one State and report type.
     *
     * @param messageId the instruction message, with {@code setAt}, when the State set or withdrew
     *     it by message; else null
     */
    public record InForce(String state, String reportType, ConfidentialityLevel level, List<String> namedStates, Source source,
            String messageId, Instant setAt) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Store store;
    private final RegistryService registry;
    private final List<ServerConfig.ReportType> reportTypes;

    public StandingInstructions(Store store, RegistryService registry, List<ServerConfig.ReportType> reportTypes) {
        this.store = store;
        this.registry = registry;
        this.reportTypes = List.copyOf(reportTypes);
    }

    /** Whether {@code id} is a configured report type. */
    boolean isReportType(String id) {
        return reportTypes.stream().anyMatch(t -> t.id().equals(id));
    }

    /** For one State, or every State when {@code state} is null; by State, then report type in configured order. */
    public List<InForce> inForce(String state) throws StoreException {
        Registry current = registry.current();
        Map<String, SetInstruction> byMessage = new HashMap<>();
        for (SetInstruction i : store.read(tx -> tx.instructions().all())) {
            byMessage.put(i.state() + "/" + i.reportType(), i);
        }
        List<InForce> out = new ArrayList<>();
        for (StateEntry s : current.states()) {
            if (state != null && !s.code().equals(state)) {
                continue;
            }
            for (ServerConfig.ReportType type : reportTypes) {
                SetInstruction set = byMessage.get(s.code() + "/" + type.id());
                Optional<StandingInstruction> registered = s.instruction(type.id());
                if (set != null && set.level() != null) {
                    out.add(new InForce(s.code(), type.id(), set.level(), set.namedStates(), Source.MESSAGE, set.messageId(), set.setAt()));
                } else if (set == null && registered.isPresent()) {
                    StandingInstruction r = registered.get();
                    out.add(new InForce(s.code(), type.id(), r.level(), r.namedStates(), Source.REGISTRY, null, null));
                } else {
                    out.add(new InForce(s.code(), type.id(), type.defaultLevel(), List.of(), Source.DEFAULT,
                            set == null ? null : set.messageId(), set == null ? null : set.setAt()));
                }
            }
        }
        return out;
    }

    /** {@code {"instructions":[{state, reportType, level, namedStates, source, messageId?, setAt?}]}}. */
    public static byte[] json(List<InForce> rows) {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode list = root.putArray("instructions");
        for (InForce r : rows) {
            ObjectNode n = list.addObject().put("state", r.state()).put("reportType", r.reportType()).put("level", r.level().wireName());
            r.namedStates().forEach(n.putArray("namedStates")::add);
            n.put("source", r.source().wireName());
            if (r.messageId() != null) {
                n.put("messageId", r.messageId()).put("setAt", r.setAt().toString());
            }
        }
        try {
            return JSON.writeValueAsBytes(root);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a tree of strings always serialises", e);
        }
    }

    /** An aligned text table for operators. */
    public static String table(List<InForce> rows) {
        List<String[]> cells = new ArrayList<>();
        cells.add(new String[] {"State", "Report type", "Level", "Named", "From"});
        for (InForce r : rows) {
            String from = r.messageId() == null ? r.source().wireName()
                    : r.source() == Source.MESSAGE ? "message " + r.messageId() + " (" + r.setAt() + ")"
                    : r.source().wireName() + " (withdrawn by message " + r.messageId() + ", " + r.setAt() + ")";
            cells.add(new String[] {r.state(), r.reportType(), r.level().wireName(), String.join(",", r.namedStates()), from});
        }
        return TextTable.render(cells);
    }
}
