package org.treatyexchange.server.notify;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.treatyexchange.server.registry.PointOfContact;
import org.treatyexchange.server.registry.RegistryService;
import org.treatyexchange.server.registry.StateEntry;
import org.treatyexchange.server.release.FilingEvents;
import org.treatyexchange.server.store.FilingRecord;
import org.treatyexchange.server.store.NotificationRecords.NewMail;
import org.treatyexchange.server.store.RoutingRecords.Plan;
import org.treatyexchange.server.store.StoreException;
import org.treatyexchange.server.store.Tx;

/**
 * Writes the mails a filing's life causes into the outbox, in the transaction of the event itself: a mail exists
 * exactly when its event committed. One row per recipient address; the sender wakes once the event commits.
 */
final class NotificationOutbox implements FilingEvents {

    private final RegistryService registry;
    private final List<String> secretariat;
    private final MailTemplates templates;
    private final Runnable wake;
    private final Clock clock;

    NotificationOutbox(RegistryService registry, List<String> secretariat, MailTemplates templates, Runnable wake, Clock clock) {
        this.registry = registry;
        this.secretariat = List.copyOf(secretariat);
        this.templates = templates;
        this.wake = wake;
        this.clock = clock;
    }

    @Override
    public void received(Tx tx, FilingRecord filing, Plan plan) throws StoreException {
        MailTemplates.Text text = templates.received(filing);
        for (String to : pointsOfContact(registry, filing.state())) {
            enqueue(tx, new NewMail(to, MailTemplates.FILING_RECEIVED, filing.id(), filing.state(), text.subject(), text.body(), true));
        }
        MailTemplates.Text notice = templates.receivedForSecretariat(filing, plan.needsReview());
        for (String to : secretariat) {
            enqueue(tx, new NewMail(to, MailTemplates.FILING_RECEIVED_SECRETARIAT, filing.id(), filing.state(), notice.subject(),
                    notice.body(), false));
        }
    }

    @Override
    public void released(Tx tx, FilingRecord filing, Plan plan) throws StoreException {
        MailTemplates.Text text = templates.released(filing);
        for (String to : pointsOfContact(registry, filing.state())) {
            enqueue(tx, new NewMail(to, MailTemplates.FILING_RELEASED, filing.id(), filing.state(), text.subject(), text.body(), false));
        }
    }

    @Override
    public void held(Tx tx, FilingRecord filing) throws StoreException {
        MailTemplates.Text text = templates.held(filing);
        for (String to : pointsOfContact(registry, filing.state())) {
            enqueue(tx, new NewMail(to, MailTemplates.FILING_HELD, filing.id(), filing.state(), text.subject(), text.body(), false));
        }
    }

    private void enqueue(Tx tx, NewMail mail) throws StoreException {
        tx.notifications().enqueue(mail, clock.instant().truncatedTo(ChronoUnit.MILLIS));
        tx.afterCommit(wake);
    }

    /** The e-mail addresses of a State's points of contact in the registry, each once, in the registry's order. */
    static Set<String> pointsOfContact(RegistryService registry, String state) {
        Set<String> out = new LinkedHashSet<>();
        registry.current().state(state).map(StateEntry::contacts).orElse(List.of()).stream()
                .map(PointOfContact::email).filter(e -> e != null && !e.isBlank()).forEach(out::add);
        return out;
    }

    static Instant now(Clock clock) {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
