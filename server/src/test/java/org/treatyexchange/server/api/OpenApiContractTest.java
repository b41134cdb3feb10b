package org.treatyexchange.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The published contract names every route and every problem type the code can produce; the real server
 * serves it, and its JSON answers carry exactly the documented fields (a field added to a response without
 * the document fails here), with the documented required fields and types.
 */
class OpenApiContractTest {

    @org.junit.jupiter.api.extension.RegisterExtension
    static final org.treatyexchange.server.TestExchange exchange = org.treatyexchange.server.TestExchange.perClass();

    @org.junit.jupiter.api.io.TempDir
    static java.nio.file.Path tmp;

    static JsonNode contract() throws Exception {
        try (InputStream in = ApiServer.class.getResourceAsStream("/api/openapi.yaml")) {
            return new ObjectMapper(new YAMLFactory()).readTree(in);
        }
    }

    /** Calls the real API as a demo account with the stock curl; returns the status and the body. */
    static String[] call(String account, String path, String... more) throws Exception {
        java.nio.file.Path out = java.nio.file.Files.createTempFile(tmp, "body", ".json");
        java.util.List<String> args = new ArrayList<>(List.of(more));
        args.add(exchange.apiUrl(path));
        String status = exchange.curl(account, out, args.toArray(String[]::new)).output().strip();
        return new String[] {status, java.nio.file.Files.readString(out)};
    }

    /** Checks one answer against the documented schema of its path, method and status. */
    static void conforms(JsonNode doc, String path, String method, String status, String body) throws Exception {
        JsonNode response = resolve(doc, doc.get("paths").get(path).get(method).get("responses").get(status));
        assertThat(response).as("%s %s %s is documented", method, path, status).isNotNull();
        JsonNode content = response.get("content");
        JsonNode schema = content.has("application/json") ? content.get("application/json").get("schema")
                : content.get("application/problem+json").get("schema");
        check(doc, new ObjectMapper().readTree(body), schema, method + " " + path + " " + status);
    }

    static JsonNode resolve(JsonNode doc, JsonNode node) {
        while (node != null && node.has("$ref")) {
            node = doc.at(node.get("$ref").asText().substring(1));
        }
        return node;
    }

    static void check(JsonNode doc, JsonNode value, JsonNode schemaRef, String where) {
        JsonNode schema = resolve(doc, schemaRef);
        java.util.Map<String, JsonNode> properties = new java.util.LinkedHashMap<>();
        java.util.Set<String> required = new java.util.TreeSet<>();
        collect(doc, schema, properties, required);
        String type = schema.path("type").isTextual() ? schema.path("type").asText() : schema.path("type").path(0).asText();
        boolean nullable = schema.path("type").isArray() && schema.path("type").toString().contains("\"null\"");
        if (value.isNull()) {
            assertThat(nullable).as("%s may be null", where).isTrue();
            return;
        }
        if (!properties.isEmpty() || type.equals("object")) {
            assertThat(value.isObject()).as("%s is an object", where).isTrue();
            assertThat(properties).as("%s: an object answer must list its fields in the contract", where).isNotEmpty();
            value.fieldNames().forEachRemaining(f -> assertThat(properties).as("%s: field '%s' is not documented", where, f).containsKey(f));
            for (String r : required) {
                assertThat(value.has(r)).as("%s: required field '%s' is missing", where, r).isTrue();
            }
            value.fields().forEachRemaining(e -> check(doc, e.getValue(), properties.get(e.getKey()), where + "." + e.getKey()));
        } else if (type.equals("array")) {
            assertThat(value.isArray()).as("%s is an array", where).isTrue();
            value.forEach(item -> check(doc, item, schema.get("items"), where + "[]"));
        } else if (type.equals("string")) {
            assertThat(value.isTextual()).as("%s is a string", where).isTrue();
            if (schema.has("enum")) {
                List<String> allowed = new ArrayList<>();
                schema.get("enum").forEach(n -> allowed.add(n.asText()));
                assertThat(allowed).as("%s", where).contains(value.asText());
            }
        } else if (type.equals("integer")) {
            assertThat(value.isIntegralNumber()).as("%s is an integer", where).isTrue();
        } else if (type.equals("boolean")) {
            assertThat(value.isBoolean()).as("%s is a boolean", where).isTrue();
        }
    }

    private static void collect(JsonNode doc, JsonNode schema, java.util.Map<String, JsonNode> properties, java.util.Set<String> required) {
        for (JsonNode part : schema.path("allOf")) {
            collect(doc, resolve(doc, part), properties, required);
        }
        schema.path("properties").fields().forEachRemaining(e -> properties.put(e.getKey(), e.getValue()));
        schema.path("required").forEach(r -> required.add(r.asText()));
    }

    static String file(String account, String path) throws Exception {
        try (org.apache.sshd.client.session.ClientSession s = exchange.login(account);
                org.apache.sshd.sftp.client.SftpClient sftp = exchange.sftp(s); java.io.OutputStream out = sftp.write(path)) {
            out.write("a document".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        String name = path.substring(path.lastIndexOf('/') + 1);
        return exchange.admin("filings").lines().filter(l -> l.endsWith(" " + name)).reduce((a, b) -> b).orElseThrow().split(" ")[0];
    }

    @Test
    void theServerServesItsDescription() throws Exception {
        String[] r = call("arcadia-system", "/openapi.yaml");
        assertThat(r[0]).isEqualTo("200");
        try (InputStream in = ApiServer.class.getResourceAsStream("/api/openapi.yaml")) {
            assertThat(r[1]).isEqualTo(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    @Test
    void everyJsonAnswerCarriesExactlyTheDocumentedFields() throws Exception {
        JsonNode doc = contract();
        String toHold = file("arcadia-officer", "/submit/correspondence/secretariat/contract-hold.txt");
        String toRelease = file("borealia-officer", "/submit/annual-report/states-parties/contract-release.pdf");
        assertThat(exchange.admin("send", "--to", "ARC", "--title", "contract check")).startsWith("0\n");

        String[] pending = call("secretariat", "/secretariat/pending");
        assertThat(pending[0]).isEqualTo("200");
        assertThat(pending[1]).contains(toHold).contains("\"plan\"");
        conforms(doc, "/secretariat/pending", "get", "200", pending[1]);

        String[] held = call("secretariat", "/secretariat/filings/" + toHold + "/hold", "-X", "POST", "-H", "Content-Type: application/json",
                "--data", "{\"reason\":\"contract\"}");
        assertThat(held[0]).as(held[1]).isEqualTo("200");
        conforms(doc, "/secretariat/filings/{filingId}/hold", "post", "200", held[1]);

        String[] released = call("secretariat", "/secretariat/filings/" + toRelease + "/release", "-X", "POST");
        assertThat(released[0]).as(released[1]).isEqualTo("200");
        conforms(doc, "/secretariat/filings/{filingId}/release", "post", "200", released[1]);

        String[] again = call("secretariat", "/secretariat/filings/" + toRelease + "/release", "-X", "POST");
        assertThat(again[0]).isEqualTo("409");
        conforms(doc, "/secretariat/filings/{filingId}/release", "post", "409", again[1]);

        String[] inbox = call("arcadia-system", "/inbox");
        assertThat(inbox[0]).isEqualTo("200");
        assertThat(inbox[1]).contains("contract check");
        conforms(doc, "/inbox", "get", "200", inbox[1]);

        String[] instructions = call("arcadia-system", "/instructions");
        assertThat(instructions[0]).isEqualTo("200");
        conforms(doc, "/instructions", "get", "200", instructions[1]);

        String[] status = call("secretariat", "/secretariat/status?year=" + java.time.Year.now().getValue());
        assertThat(status[0]).isEqualTo("200");
        conforms(doc, "/secretariat/status", "get", "200", status[1]);

        String[] forbidden = call("arcadia-system", "/secretariat/pending");
        assertThat(forbidden[0]).isEqualTo("403");
        conforms(doc, "/secretariat/pending", "get", "403", forbidden[1]);

        String[] withdrawn = call("arcadia-system", "/filings/" + toHold + "/withdraw", "-X", "POST", "-H", "Content-Type: application/json",
                "--data", "{\"reason\":\"sent in error\"}");
        assertThat(withdrawn[0]).as(withdrawn[1]).isEqualTo("200");
        conforms(doc, "/filings/{filingId}/withdraw", "post", "200", withdrawn[1]);
    }

    @Test
    void theCheckerFailsOnAnUndocumentedField() throws Exception {
        JsonNode doc = contract();
        String answer = "{\"id\":\"x\",\"status\":\"held\",\"secret\":\"not in the contract\"}";
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> conforms(doc, "/secretariat/filings/{filingId}/hold", "post", "200", answer))
                .isInstanceOf(AssertionError.class).hasMessageContaining("field 'secret' is not documented");
    }

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
                "/contacts", "/instructions", "/secretariat/status", "/openapi.yaml");
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
                case OPENAPI -> "/openapi.yaml";
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
