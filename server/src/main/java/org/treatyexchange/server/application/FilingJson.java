package org.treatyexchange.server.application;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** How a filing and its plan are shown to the secretariat (admin CLI and API alike). */
public final class FilingJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private FilingJson() {
    }

    public static ObjectNode describe(Filing f) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("id", f.id());
        n.put("state", f.state());
        n.put("account", f.account());
        n.put("keyFingerprint", f.keyFingerprint());
        n.put("channel", f.channel());
        n.put("fileName", f.fileName());
        n.put("reportType", f.reportType());
        n.put("period", f.period());
        n.put("level", f.level().wireName());
        n.set("namedStates", MAPPER.valueToTree(f.namedStates()));
        n.put("withheld", f.withheld());
        n.put("supersedes", f.supersedes());
        n.put("size", f.size());
        n.put("sha256", f.sha256());
        n.put("receivedAt", f.receivedAt().toString());
        n.put("status", f.status());
        return n;
    }

    /** A filing with its plan under {@code plan} (when it has one). */
    public static ObjectNode describe(Filing.Planned planned) {
        ObjectNode n = describe(planned.filing());
        planned.plan().ifPresent(p -> n.set("plan", describe(p)));
        return n;
    }

    /** {@code {"filings":[…]}}: each filing with its plan — what the secretariat reviews. */
    public static ObjectNode list(java.util.List<Filing.Planned> planned) {
        ObjectNode result = MAPPER.createObjectNode();
        com.fasterxml.jackson.databind.node.ArrayNode items = result.putArray("filings");
        planned.forEach(p -> items.add(describe(p)));
        return result;
    }

    public static ObjectNode describe(Filing.Plan p) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("level", p.level().wireName());
        n.put("levelSource", p.levelSource());
        n.set("recipients", MAPPER.valueToTree(p.recipients()));
        n.put("publicArea", p.publicArea());
        n.put("needsReview", p.needsReview());
        n.set("reviewReasons", MAPPER.valueToTree(p.reviewReasons()));
        return n;
    }
}
