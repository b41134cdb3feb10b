package org.treatyexchange.server.application;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The caller every use case decides from: a State's account acts for its State and never as the
 * secretariat; the secretariat and the operator act for no State. The two checks behind every use case
 * ({@link Caller#requireState()}, {@link Caller#requireSecretariat()}) refuse the other kind.
 */
class CallerTest {

    static Caller of(Caller.Role role, String state) {
        return new Caller("acct", state, role, Caller.Channel.API, "fp", "127.0.0.1");
    }

    @ParameterizedTest
    @EnumSource(value = Caller.Role.class, names = {"STATE_OFFICER", "STATE_SYSTEM"})
    void aStatesAccountActsForItsStateAndIsNotTheSecretariat(Caller.Role role) throws Refusal {
        Caller c = of(role, "ARC");
        assertThat(c.isSecretariat()).isFalse();
        assertThat(c.requireState()).isEqualTo("ARC");
        assertThatThrownBy(c::requireSecretariat).isInstanceOfSatisfying(Refusal.class, r -> {
            assertThat(r.reason()).isEqualTo(Refusal.Reason.FORBIDDEN);
            assertThat(r.getMessage()).isEqualTo("only the secretariat may do this");
        });
    }

    @ParameterizedTest
    @EnumSource(value = Caller.Role.class, names = {"SECRETARIAT", "OPERATOR"})
    void theSecretariatActsForNoState(Caller.Role role) throws Refusal {
        Caller c = of(role, null);
        assertThat(c.isSecretariat()).isTrue();
        c.requireSecretariat();
        assertThatThrownBy(c::requireState).isInstanceOfSatisfying(Refusal.class, r -> {
            assertThat(r.reason()).isEqualTo(Refusal.Reason.FORBIDDEN);
            assertThat(r.getMessage()).isEqualTo("only a State's account may do this");
        });
    }

    @Test
    void aSecretariatCallerWithAStateOrAStateCallerWithoutOneCannotExist() {
        assertThatThrownBy(() -> of(Caller.Role.SECRETARIAT, "ARC")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> of(Caller.Role.OPERATOR, "ARC")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> of(Caller.Role.STATE_SYSTEM, null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theOperatorIsTheSecretariatAtTheAdminSocket() {
        Caller op = Caller.operator();
        assertThat(op.role()).isEqualTo(Caller.Role.OPERATOR);
        assertThat(op.isSecretariat()).isTrue();
        assertThat(op.channel()).isEqualTo(Caller.Channel.ADMIN);
        assertThat(op.state()).isNull();
    }

    @Test
    void channelsAreRecordedByTheirWireNames() {
        assertThat(Caller.Channel.SFTP.wireName()).isEqualTo("sftp");
        assertThat(Caller.Channel.API.wireName()).isEqualTo("api");
        assertThat(Caller.Channel.PORTAL.wireName()).isEqualTo("portal");
        assertThat(Caller.Channel.ADMIN.wireName()).isEqualTo("admin");
    }
}
