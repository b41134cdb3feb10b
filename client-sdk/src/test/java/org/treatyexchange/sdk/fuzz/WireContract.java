package org.treatyexchange.sdk.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.treatyexchange.sdk.wire.WireFormatException;

/**
 * The contract every wire-format reader must keep on hostile bytes: it either returns a value that
 * survives {@code toBytes} then {@code fromBytes} unchanged (and whose canonical bytes are stable), or
 * it throws {@link WireFormatException}. Any other throwable (a {@code RuntimeException}, a
 * {@code StackOverflowError}, an {@code OutOfMemoryError}) escapes to Jazzer and is a finding, and so
 * is an input that takes longer than {@link #PER_INPUT} twice in a row (the second run rules out class
 * loading, JIT compilation and Jazzer's instrumentation, which the first input to reach new code pays).
 */
final class WireContract {

    /** Longest a single input may take; a reader that is slower is a denial-of-service lever. */
    static final Duration PER_INPUT = Duration.ofSeconds(1);

    interface Reader<T> {
        T fromBytes(byte[] bytes) throws WireFormatException;
    }

    interface Writer<T> {
        byte[] toBytes(T value);
    }

    private WireContract() {
    }

    static <T> void check(byte[] input, Reader<T> reader, Writer<T> writer) {
        if (time(input, reader, writer).compareTo(PER_INPUT) >= 0) {
            assertThat(time(input, reader, writer)).as("time for one input (second run)").isLessThan(PER_INPUT);
        }
    }

    private static <T> Duration time(byte[] input, Reader<T> reader, Writer<T> writer) {
        long start = System.nanoTime();
        roundTrip(input, reader, writer);
        return Duration.ofNanos(System.nanoTime() - start);
    }

    private static <T> void roundTrip(byte[] input, Reader<T> reader, Writer<T> writer) {
        T value;
        try {
            value = reader.fromBytes(input);
        } catch (WireFormatException e) {
            assertThat(e.getMessage()).as("a refusal carries a safe message").isNotBlank();
            return;
        }
        assertThat(value).as("fromBytes returns a value or throws").isNotNull();
        byte[] canonical = writer.toBytes(value);
        T again;
        try {
            again = reader.fromBytes(canonical);
        } catch (WireFormatException e) {
            throw new AssertionError("accepted " + value + " but refused its own canonical bytes: " + e.getMessage(), e);
        }
        assertThat(again).as("fromBytes(toBytes(fromBytes(input)))").isEqualTo(value);
        assertThat(writer.toBytes(again)).as("canonical bytes are stable").isEqualTo(canonical);
    }
}
