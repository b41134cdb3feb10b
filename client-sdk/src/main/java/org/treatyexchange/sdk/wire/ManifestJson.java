package org.treatyexchange.sdk.wire;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Set;

/**
 * The one definition of the SFTP manifest's JSON form (fixed field order; strict reader: unknown fields
 * are refused). Fields: {@code version}, {@code reportType}, optional {@code period}, {@code level},
 * {@code namedStates}, {@code withheld}, {@code submissionId} and optional {@code title} (see {@link Manifest}).
 */
public final class ManifestJson {

    private static final String WHAT = "manifest";
    private static final Set<String> FIELDS = Set.of("version", "reportType", "period", "level", "namedStates", "withheld",
            "submissionId", "title");

    private ManifestJson() {
    }

    /** The manifest's JSON, UTF-8, fields in a fixed order. */
    public static byte[] toBytes(Manifest m) {
        ObjectNode n = StrictJson.WRITER.createObjectNode();
        n.put("version", m.version());
        n.put("reportType", m.reportType());
        if (m.period() != null) {
            n.put("period", m.period());
        }
        if (m.level() != null) {
            n.put("level", m.level().wireName());
        }
        if (!m.namedStates().isEmpty()) {
            m.namedStates().forEach(n.putArray("namedStates")::add);
        }
        n.put("withheld", m.withheld());
        if (m.submissionId() != null) {
            n.put("submissionId", m.submissionId());
        }
        if (m.title() != null) {
            n.put("title", m.title());
        }
        return StrictJson.write(n);
    }

    /**
     * Reads a manifest.
     *
     * @throws WireFormatException with a safe message naming the field and rule
     */
    public static Manifest fromBytes(byte[] json) throws WireFormatException {
        ObjectNode n = StrictJson.parseObject(json, Manifest.MAX_BYTES, WHAT);
        StrictJson.version(n, Manifest.CURRENT_VERSION, WHAT);
        StrictJson.refuseUnknown(n, FIELDS, WHAT);
        String reportType = StrictJson.text(n, "reportType", WHAT);
        String period = StrictJson.optionalText(n, "period", WHAT);
        ConfidentialityLevel level = StrictJson.optionalLevel(n, "level", WHAT);
        List<String> named = StrictJson.optionalStringArray(n, "namedStates", Rules.MAX_RECIPIENTS, WHAT);
        boolean withheld = StrictJson.optionalBoolean(n, "withheld", false, WHAT);
        String submissionId = StrictJson.optionalText(n, "submissionId", WHAT);
        String title = StrictJson.optionalText(n, "title", WHAT);
        try {
            return new Manifest(Manifest.CURRENT_VERSION, reportType, period, level, named, withheld, submissionId, title);
        } catch (IllegalArgumentException e) {
            throw new WireFormatException(WHAT + ": " + e.getMessage());
        }
    }
}
