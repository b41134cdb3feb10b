package org.treatyexchange.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The published contract names every route and every problem type the code can produce. */
class OpenApiContractTest {

    @Test
    void contractMatchesTheCode() throws Exception {
        JsonNode doc;
        try (InputStream in = ApiServer.class.getResourceAsStream("/api/openapi.yaml")) {
            assertThat(in).isNotNull();
            doc = new ObjectMapper(new YAMLFactory()).readTree(in);
        }
        assertThat(doc.get("openapi").asText()).isEqualTo("3.1.0");
        List<String> paths = new ArrayList<>();
        doc.get("paths").fieldNames().forEachRemaining(paths::add);
        assertThat(paths).containsExactlyInAnyOrder("/messages", "/inbox", "/inbox/{seq}", "/inbox/{seq}/ack", "/secretariat/messages",
                "/secretariat/pending", "/secretariat/filings/{filingId}/release", "/secretariat/filings/{filingId}/hold", "/filings/{filingId}/withdraw",
                "/contacts", "/instructions", "/secretariat/status");
        for (Route.Endpoint e : Route.Endpoint.values()) {
            String path = switch (e) {
                case SUBMIT_MESSAGE -> "/messages";
                case INBOX -> "/inbox";
                case INBOX_ITEM -> "/inbox/{seq}";
                case ACKNOWLEDGE -> "/inbox/{seq}/ack";
                case SECRETARIAT_MESSAGE -> "/secretariat/messages";
                case PENDING -> "/secretariat/pending";
                case RELEASE -> "/secretariat/filings/{filingId}/release";
                case HOLD -> "/secretariat/filings/{filingId}/hold";
                case WITHDRAW -> "/filings/{filingId}/withdraw";
                case CONTACTS -> "/contacts";
                case INSTRUCTIONS -> "/instructions";
                case STATUS -> "/secretariat/status";
            };
            assertThat(doc.get("paths").get(path).has(e.method.name().toLowerCase(java.util.Locale.ROOT))).as(e.name()).isTrue();
        }
        List<String> types = new ArrayList<>();
        doc.at("/components/schemas/Problem/properties/type/enum").forEach(n -> types.add(n.asText()));
        for (Problem p : Problem.values()) {
            assertThat(types).contains(p.type());
        }
        assertThat(types).hasSize(Problem.values().length);
    }
}
