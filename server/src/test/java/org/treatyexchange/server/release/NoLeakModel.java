package org.treatyexchange.server.release;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The expected visibility of every filing, written from the product's rules alone (not from the
 * routing code), so that {@link NoLeakTest} compares the server against an independent statement.
 *
 * <ul>
 * <li>public: the public area, every State Party, the secretariat;
 * <li>states-parties: every State Party and the secretariat;
 * <li>secretariat: the secretariat only;
 * <li>named: the secretariat and the named States Parties; a named list that names a signatory or
 *     the filer itself is malformed and fails closed to secretariat.
 * </ul>
 * A signatory never receives redistribution; the filer is never sent its own filing. Only a filing
 * that is released and not withdrawn is distributed, and of a document released in two versions only the
 * current one is shown. The filer's State sees its own filings in its drop folder (the newest under each
 * name, unless withdrawn) and their receipts; the secretariat sees everything.
 */
final class NoLeakModel {

    static final List<String> PARTIES = List.of("ARC", "BOR", "SYL");
    static final List<String> STATES = List.of("ARC", "BOR", "SYL", "CAL");
    static final List<String> FOLDER_LEVELS = List.of("public", "states-parties", "secretariat", "named");
    static final List<String> REPORT_TYPES = List.of("initial-report", "initial-report-update", "annual-report", "nil-annual-report",
            "national-report", "points-of-contact", "correspondence");
    static final String SECRETARIAT = "secretariat";

    /** Every demo account and its State (null for the secretariat). */
    static final Map<String, String> ACCOUNTS = accounts();

    private static Map<String, String> accounts() {
        Map<String, String> m = new LinkedHashMap<>();
        for (String[] a : new String[][] {{"arcadia", "ARC"}, {"borealia", "BOR"}, {"sylvania", "SYL"}, {"calvera", "CAL"}}) {
            m.put(a[0] + "-officer", a[1]);
            m.put(a[0] + "-system", a[1]);
        }
        m.put(SECRETARIAT, null);
        return m;
    }

    /** The lives a filing can have. */
    enum Life {
        PENDING, HELD, RELEASED, HELD_THEN_RELEASED, WITHDRAWN_AFTER_RELEASE, WITHDRAWN_BEFORE_RELEASE, SUPERSEDED_OLD, SUPERSEDED_NEW;

        boolean everReleased() {
            return this == RELEASED || this == HELD_THEN_RELEASED || this == WITHDRAWN_AFTER_RELEASE || this == SUPERSEDED_OLD
                    || this == SUPERSEDED_NEW;
        }

        /** Released and not withdrawn: the only filings States other than the filer may see. */
        boolean distributedNow() {
            return everReleased() && this != WITHDRAWN_AFTER_RELEASE;
        }
    }

    /**
     * One filing of the population. {@code level} is what the filer declared (folder or envelope);
     * {@code named} the States it named. {@code id} is filled in once the server has accepted it.
     */
    static final class Filing {
        final String state;
        final String account;
        final String channel;
        final String reportType;
        final String level;
        final List<String> named;
        final Life life;
        final String fileName;
        final byte[] content;
        final int order;
        String id;

        Filing(String state, String account, String channel, String reportType, String level, List<String> named, Life life,
                String fileName, byte[] content, int order) {
            this.state = state;
            this.account = account;
            this.channel = channel;
            this.reportType = reportType;
            this.level = level;
            this.named = List.copyOf(named);
            this.life = life;
            this.fileName = fileName;
            this.content = content.clone();
            this.order = order;
        }

        /** The level that applies: a malformed named list fails closed to secretariat. */
        String effectiveLevel() {
            if (!level.equals("named")) {
                return level;
            }
            if (named.isEmpty() || named.contains(state) || !PARTIES.containsAll(named) || Set.copyOf(named).size() != named.size()) {
                return SECRETARIAT;
            }
            return "named";
        }

        /** The States Parties entitled to receive it once released (never the filer, never a signatory). */
        List<String> recipients() {
            return switch (effectiveLevel()) {
                case "public", "states-parties" -> PARTIES.stream().filter(p -> !p.equals(state)).toList();
                case "named" -> named.stream().filter(PARTIES::contains).filter(p -> !p.equals(state)).toList();
                default -> List.of();
            };
        }

        boolean inPublicArea() {
            return life.distributedNow() && effectiveLevel().equals("public");
        }

        String distributedName() {
            return id + "--" + fileName;
        }

        @Override
        public String toString() {
            return state + "/" + channel + "/" + reportType + "/" + level + (named.isEmpty() ? "" : named.toString()) + "/" + life + " "
                    + id + " " + fileName;
        }
    }

    /** What an account may read at a path: a document's bytes, or the receipt of a filing. */
    record Allowed(Filing filing, boolean receipt) {
    }

    /**
     * Every path an account may read, with what it must find there. Inbox items
     * ({@code /distributed/<seq>-distribution.p7s}) are added by the caller from the queue mapping.
     */
    static Map<String, Allowed> readable(String state, List<Filing> population) {
        Map<String, Allowed> out = new HashMap<>();
        if (state == null) { // the secretariat: everything, read-only, under /filings
            for (Filing f : population) {
                out.put("/filings/" + f.state + "/" + f.id + "/" + f.fileName, new Allowed(f, false));
                out.put("/filings/" + f.state + "/" + f.id + "/receipt.p7s", new Allowed(f, true));
            }
            return out;
        }
        for (Filing f : population) { // in order of filing: a later one under the same name replaces the earlier
            if (f.state.equals(state)) {
                out.put("/receipts/" + f.id + ".p7s", new Allowed(f, true));
                if (FOLDER_LEVELS.contains(f.effectiveLevel())) {
                    String inFolder = "/submit/" + f.reportType + "/" + f.effectiveLevel() + "/" + f.fileName;
                    if (f.life == Life.WITHDRAWN_AFTER_RELEASE || f.life == Life.WITHDRAWN_BEFORE_RELEASE) {
                        out.remove(inFolder); // a withdrawn filing leaves its folder, and so does what it superseded
                    } else {
                        out.put(inFolder, new Allowed(f, false));
                    }
                }
            }
            // of a document released in two versions, States see the current one only
            boolean current = f.life != Life.SUPERSEDED_OLD;
            if (current && f.life.distributedNow() && f.recipients().contains(state)) {
                out.put("/distributed/" + f.distributedName(), new Allowed(f, false));
            }
            if (current && f.inPublicArea()) {
                out.put("/public/" + f.distributedName(), new Allowed(f, false));
            }
        }
        return out;
    }

    /** The filings whose distribution item a State's queue must hold (released, not withdrawn, the State entitled). */
    static List<Filing> queueMustHold(String state, List<Filing> population) {
        List<Filing> out = new ArrayList<>();
        for (Filing f : population) {
            if (f.life.distributedNow() && f.recipients().contains(state)) {
                out.add(f);
            }
        }
        return out;
    }

    /** The filings whose distribution item a State's queue may hold: those it was ever entitled to and that were ever released. */
    static List<Filing> queueMayHold(String state, List<Filing> population) {
        List<Filing> out = new ArrayList<>();
        for (Filing f : population) {
            if (f.life.everReleased() && f.recipients().contains(state)) {
                out.add(f);
            }
        }
        return out;
    }

    private NoLeakModel() {
    }
}
