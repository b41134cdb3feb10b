package org.treatyexchange.server.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import org.treatyexchange.sdk.wire.InboxEntry;
import org.treatyexchange.server.application.AuditTrail;
import org.treatyexchange.server.application.Caller;
import org.treatyexchange.server.application.Callers;
import org.treatyexchange.server.application.Filing;
import org.treatyexchange.server.application.FilingJson;
import org.treatyexchange.server.application.MessageIntake;
import org.treatyexchange.server.application.Refusal;
import org.treatyexchange.server.application.SecretariatDesk;
import org.treatyexchange.server.application.StandingInstructions;
import org.treatyexchange.server.application.StateDesk;
import org.treatyexchange.server.audit.AuditEvent;
import org.treatyexchange.server.reporting.ReportingStatus;


/** The HTTPS edge's calls into the application layer, with each answer written in the API's form. */
final class DeskGateway implements ApiGateway {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Callers callers;
    private final StateDesk states;
    private final SecretariatDesk secretariat;
    private final AuditTrail audit;

    DeskGateway(Callers callers, StateDesk states, SecretariatDesk secretariat, AuditTrail audit) {
        this.callers = callers;
        this.states = states;
        this.secretariat = secretariat;
        this.audit = audit;
    }

    @Override
    public Optional<Caller> identify(X509Certificate clientCertificate, String source) {
        return callers.byCertificate(clientCertificate, Caller.Channel.API, source);
    }

    @Override
    public void refusedAtEdge(Caller caller, String source, String problemType, String request) {
        audit.recordQuietly(AuditEvent.refused("api.refused", caller == null ? "-" : caller.account(), source, request)
                .withDetail("problem", problemType));
    }

    @Override
    public MessageIntake.Start startMessage(Caller caller, byte[] signedEnvelope) throws Refusal {
        return states.startMessage(caller, signedEnvelope);
    }

    @Override
    public List<InboxEntry> inbox(Caller caller, long after, int limit) throws Refusal {
        return states.inbox(caller, after, limit);
    }

    @Override
    public byte[] inboxItem(Caller caller, long seq) throws Refusal {
        return states.inboxItem(caller, seq);
    }

    @Override
    public void acknowledge(Caller caller, long seq) throws Refusal {
        states.acknowledge(caller, seq);
    }

    @Override
    public byte[] sendFromSecretariat(Caller caller, byte[] signedEnvelope) throws Refusal {
        return secretariat.sendMessage(caller, signedEnvelope);
    }

    @Override
    public byte[] pendingFilings(Caller caller) throws Refusal {
        return json(FilingJson.queue(secretariat.queue(caller)));
    }

    @Override
    public byte[] releaseFiling(Caller caller, String filingId, String supersededBy) throws Refusal {
        Filing.Release r = secretariat.release(caller, filingId, supersededBy);
        ObjectNode answer = status(filingId, r.distributed() ? "released" : "approved");
        if (r.firstApprover() != null) {
            answer.put("firstApprover", r.firstApprover());
        }
        answer.set("plan", FilingJson.describe(r.plan()));
        return json(answer);
    }

    @Override
    public byte[] holdFiling(Caller caller, String filingId, String reason) throws Refusal {
        secretariat.hold(caller, filingId, reason);
        return json(status(filingId, "held"));
    }

    @Override
    public byte[] withdrawFiling(Caller caller, String filingId, String reason) throws Refusal {
        states.withdraw(caller, filingId, reason);
        return json(status(filingId, "withdrawn"));
    }

    @Override
    public byte[] contacts(Caller caller) throws Refusal {
        return caller.isSecretariat() ? secretariat.contacts(caller) : states.contacts(caller);
    }

    @Override
    public byte[] instructions(Caller caller) throws Refusal {
        return StandingInstructions.json(caller.isSecretariat() ? secretariat.instructions(caller, null) : states.instructions(caller));
    }

    @Override
    public byte[] reportingStatus(Caller caller, int year, String format) throws Refusal {
        var status = secretariat.reportingStatus(caller, year);
        String text = format.equals("csv") ? ReportingStatus.csv(status) : ReportingStatus.json(status);
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static ObjectNode status(String filingId, String status) {
        return JSON.createObjectNode().put("id", filingId).put("status", status);
    }

    private static byte[] json(ObjectNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write an answer as JSON", e);
        }
    }
}
