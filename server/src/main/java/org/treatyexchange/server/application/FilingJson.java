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
        n.put("title", f.title());
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

    /**
     * A filing waiting for a decision, as every channel's pending view shows it (API {@code GET /secretariat/pending}, SFTP
     * {@code /pending/<id>.json}, the admin CLI): the filing and its plan, whether its level needs two people
     * ({@code fourEyes}), who approved it first while the second approval waits ({@code firstApprover}), the newest
     * version that supersedes it ({@code supersededBy}: releasing this one needs a confirmation naming it) and the reason
     * of its hold ({@code holdReason}); each of the last three null when it does not apply.
     */
    public static ObjectNode describe(Dossier d) {
        ObjectNode n = describe(new Filing.Planned(d.filing(), d.plan()));
        n.put("fourEyes", d.fourEyes());
        n.put("firstApprover", d.firstApprover());
        n.put("supersededBy", d.supersededBy());
        n.put("holdReason", d.statusReason());
        return n;
    }

    /** {@code {"filings":[…]}}: what waits for a decision, each as {@link #describe(Dossier)}. */
    public static ObjectNode queue(java.util.List<Dossier> waiting) {
        ObjectNode result = MAPPER.createObjectNode();
        com.fasterxml.jackson.databind.node.ArrayNode items = result.putArray("filings");
        waiting.forEach(d -> items.add(describe(d)));
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
